"""Panel workflow: creating panels, placing portfolios on agendas, members' notes,
decisions (with optimistic locking), corrections, identity reveal, review requests.

Each function takes the actor, checks what it must, writes an audit row, flushes and
leaves the commit to the view.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.assignments.access import current_staff
from portal.assignments.models import AssignmentRole
from portal.core import audit
from portal.core.db import db, utcnow
from portal.frameworks.models import FrameworkLevel
from portal.notifications.operations import notify
from portal.panels import deferrals
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    DecisionAction,
    DecisionCode,
    DecisionDomain,
    DecisionReviewRequest,
    MemberNote,
    Outcome,
    Panel,
    PanelDecision,
    PanelMember,
)
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio, PortfolioState
from portal.portfolios.reviews.models import ReviewReport
from portal.programmes.models import Programme

DEFAULT_DECISION_CODES = [
    ("approved", "Approved", Outcome.APPROVED),
    ("approved-with-actions", "Approved with development actions",
     Outcome.APPROVED_WITH_ACTIONS),
    ("deferred", "Deferred: more evidence needed by a date", Outcome.DEFERRED),
    ("not-approved", "Not approved", Outcome.NOT_APPROVED),
]


class PanelError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DecisionConflict(PanelError):
    """Someone else recorded a decision first; the loser's text is kept by the view."""


# Decision codes -------------------------------------------------------------------------
def ensure_decision_codes(programme: Programme) -> list[DecisionCode]:
    """The programme's decision codes, creating the defaults the first time."""
    codes = decision_codes(programme.id)
    if codes:
        return codes
    for position, (code, label, outcome) in enumerate(DEFAULT_DECISION_CODES):
        db.session.add(DecisionCode(programme_id=programme.id, code=code, label=label,
                                    outcome=outcome.value, position=position))
    db.session.flush()
    return decision_codes(programme.id)


def decision_codes(programme_id: int) -> list[DecisionCode]:
    return db.session.scalars(select(DecisionCode).where(
        DecisionCode.programme_id == programme_id).order_by(DecisionCode.position)).all()


# Panels ---------------------------------------------------------------------------------
@dataclass
class PanelDetails:
    title: str
    sits_on: date
    chair_id: int
    member_ids: list[int]
    programme_ids: list[int]
    min_members: int = 3


def create_panel(actor: User, details: PanelDetails) -> Panel:
    org = actor.organisation_id
    chair = db.session.get(User, details.chair_id)
    if chair is None or chair.organisation_id != org or not chair.has_role(Role.PANEL_CHAIR):
        raise PanelError("Choose a panel chair from your organisation", "chair_id")
    members = [db.session.get(User, member_id) for member_id in set(details.member_ids)]
    if any(m is None or m.organisation_id != org or not m.has_any_role(
            Role.PANEL_MEMBER, Role.PANEL_CHAIR) for m in members):
        raise PanelError("Choose panel members from your organisation", "member_ids")
    everyone = {m.id for m in members} | {chair.id}
    if len(everyone) < details.min_members:
        raise PanelError(f"A panel needs at least {details.min_members} members including "
                         "the chair", "member_ids")
    programmes = [db.session.get(Programme, p) for p in set(details.programme_ids)]
    if not programmes or any(p is None or p.organisation_id != org for p in programmes):
        raise PanelError("Choose at least one programme", "programme_ids")
    if not details.title.strip():
        raise PanelError("Enter a title for the panel", "title")
    panel = Panel(organisation_id=org, title=details.title.strip()[:200],
                  sits_on=details.sits_on, chair_id=chair.id,
                  min_members=details.min_members, created_by_id=actor.id)
    panel.programmes = programmes
    panel.members = [PanelMember(user_id=user_id) for user_id in sorted(everyone)]
    db.session.add(panel)
    db.session.flush()
    audit.record(actor, "panel_created", panel, members=len(everyone))
    for user_id in everyone:
        notify(user_id, f"You are on the panel '{panel.title}'.", f"/panels/{panel.id}")
    return panel


def is_member(user: User, panel: Panel) -> bool:
    return any(m.user_id == user.id for m in panel.members)


def final_report(portfolio: Portfolio) -> ReviewReport | None:
    """The signed-off final report for the portfolio's current submission, if any."""
    return db.session.scalar(select(ReviewReport).where(
        ReviewReport.portfolio_id == portfolio.id,
        ReviewReport.snapshot_id == portfolio.current_snapshot_id,
        ReviewReport.is_final.is_(True), ReviewReport.state == "signed_off",
        ReviewReport.outcome == "completed", ReviewReport.recommendation.is_not(None)))


def eligible_portfolios(panel: Panel) -> list[Portfolio]:
    """Portfolios of the panel's programmes that have a final recommendation and are not
    already on an agenda."""
    programme_ids = [p.id for p in panel.programmes]
    return db.session.scalars(
        select(Portfolio).join(ReviewReport, ReviewReport.snapshot_id ==
                               Portfolio.current_snapshot_id)
        .where(Portfolio.organisation_id == panel.organisation_id,
               Portfolio.programme_id.in_(programme_ids),
               Portfolio.state == PortfolioState.UNDER_ASSESSMENT.value,
               ReviewReport.is_final.is_(True), ReviewReport.state == "signed_off",
               ReviewReport.outcome == "completed")
        .order_by(Portfolio.id)
    ).all()


def _new_reference() -> str:
    while True:
        reference = "P-" + secrets.token_hex(3).upper()
        if not db.session.scalar(select(func.count(AgendaItem.id)).where(
                AgendaItem.reference == reference)):
            return reference


def place_on_agenda(actor: User, panel: Panel, portfolio: Portfolio) -> AgendaItem:
    if panel.organisation_id != actor.organisation_id or portfolio.organisation_id != \
            actor.organisation_id:
        raise PanelError("That portfolio cannot go on this panel")
    if panel.status != "scheduled":
        raise PanelError("This panel is closed")
    if portfolio.programme_id not in {p.id for p in panel.programmes}:
        raise PanelError("This panel does not consider that programme")
    report = final_report(portfolio)
    if report is None:
        raise PanelError("Only a submitted portfolio with a signed-off final recommendation "
                         "can go on an agenda")
    open_item = db.session.scalar(select(AgendaItem).where(
        AgendaItem.portfolio_id == portfolio.id, AgendaItem.state == "waiting"))
    if open_item is not None:
        raise PanelError("This portfolio is already on an open agenda")
    item = AgendaItem(panel_id=panel.id, portfolio_id=portfolio.id,
                      snapshot_id=portfolio.current_snapshot_id, report_id=report.id,
                      reference=_new_reference(), position=len(panel.agenda))
    db.session.add(item)
    db.session.flush()
    portfolio_operations.place_on_panel(actor, portfolio, item.id)
    audit.record(actor, "agenda_item_added", item, organisation_id=panel.organisation_id,
                 panel_id=panel.id, portfolio_id=portfolio.id)
    message = f"A portfolio has been placed on the agenda of '{panel.title}'."
    notify(portfolio.candidate_id, f"Your portfolio will go to the panel on "
           f"{panel.sits_on.day} {panel.sits_on:%B %Y}.", f"/portfolios/{portfolio.id}")
    assessor = current_staff(portfolio.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, message, f"/portfolios/{portfolio.id}")
    return item


def save_member_note(member: User, item: AgendaItem, notes: str,
                     provisional_view: str | None) -> MemberNote:
    if not is_member(member, item.panel):
        raise PanelError("Only members of this panel can record notes")
    if provisional_view and provisional_view not in {o.value for o in Outcome}:
        raise PanelError("Choose a provisional view", "provisional_view")
    note = db.session.scalar(select(MemberNote).where(
        MemberNote.agenda_item_id == item.id, MemberNote.member_id == member.id))
    if note is None:
        note = MemberNote(agenda_item_id=item.id, member_id=member.id)
        db.session.add(note)
    note.notes = notes.strip()[:10000]
    note.provisional_view = provisional_view or None
    db.session.flush()
    audit.record(member, "provisional_view_recorded", item,
                 organisation_id=item.panel.organisation_id, view=note.provisional_view)
    return note


def reveal_identity(chair: User, item: AgendaItem) -> None:
    if item.panel.chair_id != chair.id:
        raise PanelError("Only the chair can reveal who the candidate is")
    if item.state != "decided":
        raise PanelError("The candidate's identity can be revealed once the panel has decided")
    if item.identity_revealed_at is None:
        item.identity_revealed_at = utcnow()
        item.revealed_by_id = chair.id
        db.session.flush()
        audit.record(chair, "identity_revealed", item, organisation_id=item.panel.organisation_id)


# Decisions ------------------------------------------------------------------------------
@dataclass
class DecisionDetails:
    code: str
    rationale: str
    domain_ids: list[int] = field(default_factory=list)
    actions: list[tuple[str, str, date]] = field(default_factory=list)  # (what, who, by)
    evidence_due_on: date | None = None


def _validate_decision(portfolio: Portfolio, details: DecisionDetails, today: date):
    codes = {c.code: c for c in decision_codes(portfolio.programme_id)}
    code = codes.get(details.code)
    if code is None:
        raise PanelError("Choose a decision", "code")
    if not details.rationale.strip():
        raise PanelError("Write the rationale for the decision", "rationale")
    domains = {e.id for f in portfolio.frameworks if f.code == "pcf"
               for e in f.elements if e.depth == 0}
    if not details.domain_ids:
        raise PanelError("Choose the framework domains the rationale refers to", "domain_ids")
    if not set(details.domain_ids) <= domains:
        raise PanelError("Choose domains of the portfolio's framework", "domain_ids")
    if code.outcome != Outcome.APPROVED.value and not details.actions:
        raise PanelError("Add at least one action with an owner and a deadline", "actions")
    for what, who, by in details.actions:
        if not what.strip() or not who.strip() or by is None:
            raise PanelError("Each action needs a description, an owner and a deadline",
                             "actions")
    if code.outcome == Outcome.DEFERRED.value and (
            details.evidence_due_on is None or details.evidence_due_on <= today):
        raise PanelError("Enter a future date by which the further evidence is due",
                         "evidence_due_on")
    return code


def _decision_row(actor, item, portfolio, code, details, corrects=None, reason=None):
    decision = PanelDecision(
        agenda_item_id=item.id, portfolio_id=portfolio.id, decision_code=code.code,
        decision_label=code.label, outcome=code.outcome, rationale=details.rationale.strip(),
        evidence_due_on=details.evidence_due_on if code.outcome == Outcome.DEFERRED.value
        else None,
        decided_by_id=actor.id, corrects_id=corrects.id if corrects else None,
        correction_reason=reason,
    )
    decision.domains = [DecisionDomain(element_id=d) for d in sorted(set(details.domain_ids))]
    decision.actions = [DecisionAction(description=w.strip(), owner=o.strip(), due_on=b)
                        for w, o, b in details.actions]
    db.session.add(decision)
    return decision


def record_decision(chair: User, item: AgendaItem, expected_version: int,
                    details: DecisionDetails, today: date) -> PanelDecision:
    """Record the panel's decision. If someone else decided since the chair loaded the
    page (the item's version moved on), nothing is written and DecisionConflict says so."""
    panel = item.panel
    if panel.chair_id != chair.id:
        raise PanelError("Only the panel chair can record the decision")
    if item.version != expected_version or item.state != "waiting":
        raise DecisionConflict("Another decision was recorded for this portfolio while you "
                               "were writing. Your text is below; nothing was saved.")
    portfolio = item.portfolio
    code = _validate_decision(portfolio, details, today)
    item.state = "decided"
    try:
        db.session.flush()  # bumps the version; a concurrent writer fails here
    except StaleDataError as error:
        raise DecisionConflict("Another decision was recorded for this portfolio while you "
                               "were writing. Your text is below; nothing was saved.") from error
    decision = _decision_row(chair, item, portfolio, code, details)
    db.session.flush()
    portfolio_operations.decide(chair, portfolio, code.outcome, decision.id)
    _apply_outcome(decision, portfolio, today)
    audit.record(chair, "panel_decision_recorded", decision,
                 organisation_id=panel.organisation_id, outcome=code.outcome,
                 agenda_item_id=item.id)
    _tell_everyone(decision, portfolio, "The panel has recorded a decision on your portfolio.")
    return decision


def _apply_outcome(decision: PanelDecision, portfolio: Portfolio, today: date) -> None:
    if decision.outcome in {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}:
        level_code = portfolio.programme.target_level or portfolio.programme.code
        level = db.session.scalar(select(FrameworkLevel).where(
            FrameworkLevel.code == level_code,
            FrameworkLevel.framework_id.in_([f.id for f in portfolio.frameworks])))
        title = (f"{level.title} completed" if portfolio.programme.kind == "asye" and level
                 else (level.title if level else portfolio.programme.name))
        db.session.add(CareerLevelRecord(user_id=portfolio.candidate_id, level_code=level_code,
                                         level_title=title, achieved_on=today,
                                         decision_id=decision.id))
        db.session.flush()
    elif decision.outcome == Outcome.DEFERRED.value:
        deferrals.open_support_plan(decision, portfolio, today)


def _tell_everyone(decision: PanelDecision, portfolio: Portfolio, message: str) -> None:
    notify(portfolio.candidate_id, message, f"/decisions/{decision.id}")
    assessor = current_staff(portfolio.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, "A panel decision has been recorded for one of your candidates.",
               f"/portfolios/{portfolio.id}")


def latest_decision(item: AgendaItem) -> PanelDecision | None:
    return db.session.scalar(select(PanelDecision).where(
        PanelDecision.agenda_item_id == item.id).order_by(PanelDecision.id.desc()))


def correct_decision(actor: User, decision: PanelDecision, details: DecisionDetails,
                     reason: str, today: date) -> PanelDecision:
    """A confirmed decision is never edited: the correction is a new linked record."""
    item = decision.agenda_item
    panel = item.panel
    if actor.id != panel.chair_id and not (actor.has_role(Role.PROGRAMME_LEAD) and
                                           actor.organisation_id == panel.organisation_id):
        raise PanelError("Only the panel chair or a programme lead can correct a decision")
    if not can_be_corrected(decision):
        raise PanelError("Only the portfolio's latest decision can be corrected, and a "
                         "deferral is superseded by the later panel's decision")
    if not reason.strip():
        raise PanelError("Explain why the decision is being corrected", "reason")
    portfolio = item.portfolio
    if PortfolioState(portfolio.state) != PortfolioState.DECIDED:
        raise PanelError("Only a decided portfolio's decision can be corrected")
    code = _validate_decision(portfolio, details, today)
    if code.outcome == Outcome.DEFERRED.value:
        raise PanelError("A decision cannot be corrected to a deferral; record it at a panel",
                         "code")
    correction = _decision_row(actor, item, portfolio, code, details, corrects=decision,
                               reason=reason.strip())
    db.session.flush()
    _withdraw_levels(decision)
    _apply_outcome(correction, portfolio, today)
    audit.record(actor, "panel_decision_corrected", correction,
                 organisation_id=panel.organisation_id, corrects=decision.id,
                 outcome=code.outcome)
    _tell_everyone(correction, portfolio, "A panel decision on your portfolio was corrected.")
    return correction


def can_be_corrected(decision: PanelDecision) -> bool:
    """Only the latest decision on the whole portfolio, and never a deferral (the later
    panel's decision supersedes it)."""
    latest = db.session.scalar(select(PanelDecision.id).where(
        PanelDecision.portfolio_id == decision.portfolio_id).order_by(PanelDecision.id.desc()))
    return latest == decision.id and decision.outcome != Outcome.DEFERRED.value


def _withdraw_levels(decision: PanelDecision) -> None:
    current = select(CareerLevelRecord).where(CareerLevelRecord.decision_id == decision.id,
                                              CareerLevelRecord.withdrawn_at.is_(None))
    for record in db.session.scalars(current):
        record.withdrawn_at = utcnow()
    db.session.flush()


# Review requests --------------------------------------------------------------------------
def review_window_closes(decision: PanelDecision) -> date:
    return decision.decided_at.date() + timedelta(days=current_app.config["REVIEW_WINDOW_DAYS"])


def request_review(candidate: User, decision: PanelDecision, reasons: str,
                   today: date) -> DecisionReviewRequest:
    if decision.agenda_item.portfolio.candidate_id != candidate.id:
        raise PanelError("Only the candidate can ask for a review of their decision")
    if today > review_window_closes(decision):
        raise PanelError("The time to ask for a review of this decision has passed")
    if db.session.scalar(select(func.count(DecisionReviewRequest.id)).where(
            DecisionReviewRequest.decision_id == decision.id)):
        raise PanelError("You have already asked for a review of this decision")
    if not reasons.strip():
        raise PanelError("Explain why you are asking for a review", "reasons")
    request = DecisionReviewRequest(decision_id=decision.id, candidate_id=candidate.id,
                                    reasons=reasons.strip()[:10000])
    db.session.add(request)
    db.session.flush()
    audit.record(candidate, "decision_review_requested", request,
                 organisation_id=decision.agenda_item.panel.organisation_id,
                 decision_id=decision.id)
    return request


def record_review_outcome(lead: User, request: DecisionReviewRequest, outcome: str,
                          notes: str) -> None:
    panel = request.decision.agenda_item.panel
    if not lead.has_role(Role.PROGRAMME_LEAD) or lead.organisation_id != panel.organisation_id:
        raise PanelError("Only a programme lead can record the outcome of a review")
    if request.outcome is not None:
        raise PanelError("The outcome of this review has already been recorded")
    if outcome not in {"upheld", "changed"}:
        raise PanelError("Choose the outcome of the review", "outcome")
    request.outcome, request.outcome_notes = outcome, notes.strip()[:10000]
    request.decided_by_id, request.decided_at = lead.id, utcnow()
    db.session.flush()
    audit.record(lead, "decision_review_decided", request, organisation_id=panel.organisation_id,
                 outcome=outcome)
    notify(request.candidate_id, "The review of your panel decision has been decided.",
           f"/decisions/{request.decision_id}")


# Telling programme leads -----------------------------------------------------------------
def notify_programme_leads(organisation_id: int, message: str, link: str) -> None:
    """Tell the council's active programme leads (the views call this after a decision or
    a review request; the functions above leave leads out)."""
    leads = db.session.scalars(select(User.id).join(UserRole, UserRole.user_id == User.id).where(
        User.organisation_id == organisation_id, User.active.is_(True),
        UserRole.role == Role.PROGRAMME_LEAD.value)).all()
    for lead_id in leads:
        notify(lead_id, message, link)
