"""A candidate's programme year, taken to each step through the real operations: the
home page tests and the browser test start from here."""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.accounts.models import User
from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import agenda, attendance, decisions
from portal.panels import operations as panels
from portal.panels.models import AgendaItem, PanelDecision
from portal.portfolios import operations
from portal.portfolios.models import Portfolio
from tests import factories
from tests.portfolios.conftest import make_portfolio

TODAY = today_in_england()
PANEL_DAY = TODAY


@dataclass
class Year:
    """The people around one candidate, and their portfolio (started a month ago, so the
    agreement is overdue and the 3-month review is still to come)."""

    lead: User
    assessor: User
    manager: User
    chair: User
    members: list[User]
    candidate: User
    portfolio: Portfolio


def year(org, candidate_name: str = "Amara Okafor") -> Year:
    lead = factories.user(org, roles=["programme_lead"], name="Grace Adeyemi")
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    manager = factories.user(org, roles=["line_manager"], name="Rachel Green")
    chair = factories.user(org, roles=["panel_chair", "panel_member"], name="Margaret Doyle")
    members = [factories.user(org, roles=["panel_member"], name=f"Member {n}")
               for n in range(2)]
    candidate = factories.user(org, roles=["candidate"], name=candidate_name)
    start = TODAY - timedelta(days=30)
    portfolio = make_portfolio(org, candidate=candidate, start=start)
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, start)
    assign(lead, candidate, manager, AssignmentRole.LINE_MANAGER, start)
    return Year(lead, assessor, manager, chair, members, candidate, portfolio)


def point(the_year: Year, code: str):
    return next(p for p in the_year.portfolio.review_points if p.code == code)


def agreement_done(the_year: Year) -> None:
    operations.complete_review_point(the_year.assessor, point(the_year, "agreement"),
                                     TODAY - timedelta(days=20))


def submit_review(the_year: Year, code: str = "three-month") -> None:
    agreement_done(the_year)
    operations.submit_for_review_point(the_year.candidate, the_year.portfolio, code, [])


def start_review(the_year: Year):
    submit_review(the_year)
    return reports.start_assessment(the_year.assessor, the_year.portfolio)


def rate(the_year: Year, report, not_on_track: int = 0, **content) -> None:
    """Save the report with every PCF domain on track but the first `not_on_track`."""
    domains = reports.pcf_domains(the_year.portfolio)
    ratings = {d.id: ("not_on_track" if n < not_on_track else "on_track", "")
               for n, d in enumerate(domains)}
    reports.save_draft(the_year.assessor, report, reports.ReportContent(
        summary="Steady progress.", ratings=ratings, **content))


def returned(the_year: Year):
    report = start_review(the_year)
    reports.return_to_candidate(the_year.assessor, report, "Add a reflection on the hearing")
    return report


def submit_final(the_year: Year) -> None:
    agreement_done(the_year)
    operations.submit_for_panel(the_year.candidate, the_year.portfolio, [])


def start_final(the_year: Year):
    submit_final(the_year)
    return reports.start_assessment(the_year.assessor, the_year.portfolio)


def final_signed_off(the_year: Year, not_on_track: int = 0):
    report = start_final(the_year)
    rate(the_year, report, not_on_track, holistic_assessment="Meets the ASYE level.",
         recommendation="pass")
    reports.sign_off(the_year.assessor, report)
    return report


def at_panel(the_year: Year, not_on_track: int = 0) -> AgendaItem:
    final_signed_off(the_year, not_on_track)
    panel = panels.create_panel(the_year.lead, panels.PanelDetails(
        title="ASYE panel", sits_on=PANEL_DAY, chair_id=the_year.chair.id,
        member_ids=[m.id for m in the_year.members],
        programme_ids=[the_year.portfolio.programme_id]))
    item = agenda.place_on_agenda(the_year.lead, panel, the_year.portfolio)
    attendance.record_attendance(the_year.chair, panel, {m.user_id for m in panel.members},
                                 PANEL_DAY)
    return item


ACTION_DUE = TODAY + timedelta(days=40)
EVIDENCE_DUE = TODAY + timedelta(days=60)


def decided(the_year: Year, code: str, not_on_track: int = 0) -> PanelDecision:
    """The panel decides with `code` (approved, approved-with-actions, deferred,
    not-approved); every outcome but approval carries one action."""
    item = at_panel(the_year, not_on_track)
    domains = reports.pcf_domains(the_year.portfolio)
    actions = [] if code == "approved" else [
        ("Lead a case review in supervision", "Candidate and assessor", ACTION_DUE)]
    details = decisions.DecisionDetails(
        code=code, rationale="Reflective practice, thin on direct work.",
        domain_ids=[d.id for d in domains[:2]], actions=actions,
        evidence_due_on=EVIDENCE_DUE if code == "deferred" else None)
    decision = decisions.record_decision(the_year.chair, item, item.version, details, TODAY)
    db.session.flush()
    return decision


def uk(day: date) -> str:
    return f"{day.day} {day:%B %Y}"
