"""What deserves a reminder today. Each rule is one query over everyone (never one per
candidate) and returns `Reminder`s; the key says which event it is about, so the same
reminder found again tomorrow is recognised and not sent twice.

The words say what is due and when, never whose case or what it holds: they go by email.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.assessment.models import EvidenceFeedback, Observation
from portal.assignments.models import Assignment
from portal.core.dates import UK
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, FeedbackStatus
from portal.organisations.models import Organisation
from portal.panels.models import DecisionReviewRequest, Panel, PanelDecision, PanelMember
from portal.partnerships.models import GrantState, PartnershipGrant, SharedPurpose
from portal.portfolios.models import Portfolio, PortfolioReviewPoint, PortfolioState
from portal.portfolios.reviews.models import ReviewReport


@dataclass(frozen=True)
class Reminder:
    recipient_id: int
    key: str
    message: str
    link: str
    essential: bool


def path_for(endpoint: str, **values) -> str:
    """A site path for a route, built without a request (the daily job has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def _uk_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _current(role: str):
    """Each candidate's current assessor (or line manager), as a subquery."""
    return (select(Assignment.candidate_id, Assignment.staff_id)
            .where(Assignment.role == role, Assignment.ended_on.is_(None)).subquery())


def _leads_by_organisation() -> dict[int, list[int]]:
    leads: dict[int, list[int]] = {}
    for organisation_id, user_id in db.session.execute(
            select(User.organisation_id, User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.PROGRAMME_LEAD.value, User.active)):
        leads.setdefault(organisation_id, []).append(user_id)
    return leads


def review_points(today: date) -> list[Reminder]:
    """Due in 14 and in 3 days (candidate and assessor), overdue (both, each week), and
    more than 14 days overdue (the programme leads)."""
    assessor = _current("assessor")
    rows = db.session.execute(
        select(PortfolioReviewPoint.id, PortfolioReviewPoint.due_on, Portfolio.id,
               Portfolio.candidate_id, Portfolio.organisation_id, assessor.c.staff_id)
        .join(Portfolio, Portfolio.id == PortfolioReviewPoint.portfolio_id)
        .outerjoin(assessor, assessor.c.candidate_id == Portfolio.candidate_id)
        .where(PortfolioReviewPoint.completed_on.is_(None),
               PortfolioReviewPoint.due_on <= today + timedelta(days=14),
               Portfolio.state != PortfolioState.DECIDED.value))
    leads = None
    found = []
    for point_id, due_on, portfolio_id, candidate_id, organisation_id, assessor_id in rows:
        days = (due_on - today).days
        own = path_for("portfolios.show", portfolio_id=portfolio_id)
        theirs = path_for("assess.candidate", candidate_id=candidate_id)
        if days >= 0:
            window = "3" if days <= 3 else "14"
            key, essential = f"review_point:{point_id}:due:{window}", False
            yours = f"Your review point is due on {_uk_date(due_on)}."
            others = f"A review point for one of your candidates is due on {_uk_date(due_on)}."
        else:
            key, essential = f"review_point:{point_id}:overdue:week{-days // 7}", True
            yours = f"Your review point was due on {_uk_date(due_on)} and is overdue."
            others = (f"A review point for one of your candidates was due on "
                      f"{_uk_date(due_on)} and is overdue.")
        found.append(Reminder(candidate_id, key, yours, own, essential))
        if assessor_id:
            found.append(Reminder(assessor_id, key, others, theirs, essential))
        if days < -14:
            leads = _leads_by_organisation() if leads is None else leads
            found.extend(Reminder(
                lead_id, f"review_point:{point_id}:lead",
                "A candidate's review point is more than 14 days overdue.", own, True)
                for lead_id in leads.get(organisation_id, []))
    return found


def feedback_waiting(today: date) -> list[Reminder]:
    """Evidence whose candidate wrote last more than FEEDBACK_DAYS ago (the assessor)."""
    days = current_app.config["FEEDBACK_DAYS"]
    cutoff = datetime.combine(today - timedelta(days=days), time(), tzinfo=UK)
    latest = (select(EvidenceFeedback.entry_id, func.max(EvidenceFeedback.id).label("last_id"),
                     func.max(EvidenceFeedback.created_at).label("last_at"))
              .group_by(EvidenceFeedback.entry_id).subquery())
    assessor = _current("assessor")
    rows = db.session.execute(
        select(EvidenceEntry.id, latest.c.last_id, assessor.c.staff_id)
        .join(latest, latest.c.entry_id == EvidenceEntry.id)
        .join(assessor, assessor.c.candidate_id == EvidenceEntry.candidate_id)
        .where(EvidenceEntry.feedback_status == FeedbackStatus.AWAITING_ASSESSOR.value,
               latest.c.last_at < cutoff))
    return [Reminder(assessor_id, f"feedback:{entry_id}:{last_id}",
                     f"A candidate's evidence has waited more than {days} days for your "
                     "feedback.", path_for("assess.index"), False)
            for entry_id, last_id, assessor_id in rows]


def observations_to_write_up(today: date) -> list[Reminder]:
    """An observation still a draft 14 days after it took place (the observer)."""
    rows = db.session.execute(
        select(Observation.id, Observation.observer_id, Observation.observed_on)
        .where(Observation.state == "draft", Observation.observer_id.is_not(None),
               Observation.observed_on <= today - timedelta(days=14)))
    return [Reminder(observer_id, f"observation:{observation_id}:write_up",
                     f"An observation from {_uk_date(observed_on)} is not written up yet.",
                     path_for("observations.show", observation_id=observation_id), False)
            for observation_id, observer_id, observed_on in rows]


def reports_for_line_managers(today: date) -> list[Reminder]:
    """A report waiting for the line manager to confirm the support given."""
    line_manager = _current("line_manager")
    rows = db.session.execute(
        select(ReviewReport.id, line_manager.c.staff_id)
        .join(Portfolio, Portfolio.id == ReviewReport.portfolio_id)
        .join(line_manager, line_manager.c.candidate_id == Portfolio.candidate_id)
        .where(ReviewReport.confirmed_at.is_(None),
               func.coalesce(ReviewReport.outcome, "") != "returned"))
    return [Reminder(manager_id, f"report:{report_id}:line_manager",
                     "A review report is waiting for you to confirm the support given.",
                     path_for("reports.show", report_id=report_id), True)
            for report_id, manager_id in rows]


def panel_papers(today: date) -> list[Reminder]:
    """A panel within 7 days: its papers are ready for the chair and members."""
    panels = db.session.execute(
        select(Panel.id, Panel.sits_on, Panel.chair_id).where(
            Panel.status == "scheduled", Panel.sits_on >= today,
            Panel.sits_on <= today + timedelta(days=7))).all()
    members = db.session.execute(select(PanelMember.panel_id, PanelMember.user_id).where(
        PanelMember.panel_id.in_([panel_id for panel_id, _, _ in panels]))).all()
    found = []
    for panel_id, sits_on, chair_id in panels:
        link = path_for("agendas.show", panel_id=panel_id)
        message = f"The papers for the panel on {_uk_date(sits_on)} are ready to read."
        people = {chair_id} | {user for panel, user in members if panel == panel_id}
        found.extend(Reminder(person, f"panel:{panel_id}:papers", message, link, True)
                     for person in people)
    return found


def _standing_decisions():
    """Decisions not replaced by a correction."""
    corrected = PanelDecision.__table__.alias("correction")
    return ~exists().where(corrected.c.corrects_id == PanelDecision.id)


def deferral_deadlines(today: date) -> list[Reminder]:
    """Evidence asked for by a deferral is due within 14 days (candidate and assessor)."""
    assessor = _current("assessor")
    rows = db.session.execute(
        select(PanelDecision.id, PanelDecision.evidence_due_on, Portfolio.candidate_id,
               assessor.c.staff_id)
        .join(Portfolio, Portfolio.id == PanelDecision.portfolio_id)
        .outerjoin(assessor, assessor.c.candidate_id == Portfolio.candidate_id)
        .where(PanelDecision.outcome == "deferred", _standing_decisions(),
               PanelDecision.evidence_due_on >= today,
               PanelDecision.evidence_due_on <= today + timedelta(days=14)))
    found = []
    for decision_id, due_on, candidate_id, assessor_id in rows:
        key = f"decision:{decision_id}:deferral"
        found.append(Reminder(candidate_id, key, "The further evidence the panel asked for is "
                              f"due on {_uk_date(due_on)}.", path_for("decisions.mine"), True))
        if assessor_id:
            found.append(Reminder(
                assessor_id, key, "Further evidence a panel asked one of your candidates for "
                f"is due on {_uk_date(due_on)}.",
                path_for("assess.candidate", candidate_id=candidate_id), True))
    return found


def review_windows_closing(today: date) -> list[Reminder]:
    """The last 7 days in which the candidate can ask for a decision to be reviewed."""
    window = current_app.config["REVIEW_WINDOW_DAYS"]
    earliest = datetime.combine(today - timedelta(days=window), time(), tzinfo=UK)
    rows = db.session.execute(
        select(PanelDecision.id, PanelDecision.decided_at, Portfolio.candidate_id)
        .join(Portfolio, Portfolio.id == PanelDecision.portfolio_id)
        .where(PanelDecision.decided_at >= earliest, _standing_decisions(),
               ~exists().where(and_(DecisionReviewRequest.decision_id == PanelDecision.id))))
    found = []
    for decision_id, decided_at, candidate_id in rows:
        closes = decided_at.astimezone(UK).date() + timedelta(days=window)
        if today <= closes <= today + timedelta(days=7):
            found.append(Reminder(
                candidate_id, f"decision:{decision_id}:review_window",
                f"You can ask for the panel's decision to be reviewed until {_uk_date(closes)}.",
                path_for("decisions.mine"), True))
    return found


def sharing_ending(today: date) -> list[Reminder]:
    """A partnership grant in its last 14 days: both councils' administrators, so sharing
    that should go on is renewed in time and nothing stops by surprise (a panel with a
    guest member, a moderation round under way)."""
    granting, receiving = aliased(Organisation), aliased(Organisation)
    grants = db.session.execute(
        select(PartnershipGrant.id, PartnershipGrant.purpose, PartnershipGrant.ends_on,
               PartnershipGrant.granting_organisation_id,
               PartnershipGrant.receiving_organisation_id,
               granting.name.label("granting_name"), receiving.name.label("receiving_name"))
        .join(granting, granting.id == PartnershipGrant.granting_organisation_id)
        .join(receiving, receiving.id == PartnershipGrant.receiving_organisation_id)
        .where(PartnershipGrant.state == GrantState.GRANTED.value,
               PartnershipGrant.starts_on <= today,
               PartnershipGrant.ends_on.between(today, today + timedelta(days=14)))).all()
    if not grants:
        return []
    councils = {g.granting_organisation_id for g in grants} | {
        g.receiving_organisation_id for g in grants}
    administrators: dict[int, list[int]] = {}
    for organisation_id, user_id in db.session.execute(
            select(User.organisation_id, User.id).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == Role.ADMINISTRATOR.value, User.active,
                   User.organisation_id.in_(councils))):
        administrators.setdefault(organisation_id, []).append(user_id)
    found = []
    for grant in grants:
        message = (f"{grant.granting_name} shares {SharedPurpose(grant.purpose).label.lower()} "
                   f"with {grant.receiving_name} until {_uk_date(grant.ends_on)}.")
        for council in (grant.granting_organisation_id, grant.receiving_organisation_id):
            found += [Reminder(user_id, f"grant:{grant.id}:ending", message,
                               path_for("partnerships.index"), True)
                      for user_id in administrators.get(council, [])]
    return found


RULES = (review_points, feedback_waiting, observations_to_write_up, reports_for_line_managers,
         panel_papers, deferral_deadlines, review_windows_closing, sharing_ending)
