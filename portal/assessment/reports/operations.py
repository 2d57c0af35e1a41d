"""Review-point reports: the assessor's record of progress, the line manager's
confirmation of support, the candidate's response, and support plans after a concern.

A report belongs to one submission (snapshot), so every round of return and
resubmission keeps its own report. Once signed off a report never changes.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.accounts.models import User
from portal.assignments.access import assesses, manages
from portal.core import audit
from portal.core.db import db, utcnow
from portal.notifications.operations import notify
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio, PortfolioState
from portal.portfolios.reviews.models import AgreedAction, DomainProgress, ReviewReport, SupportPlan

RATINGS = {"on_track": "On track", "some_concerns": "Some concerns",
           "not_on_track": "Not on track"}
SUPPORT_PLAN_WEEKS = 6


class ReportError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass
class ReportContent:
    summary: str = ""
    ratings: dict[int, tuple[str, str]] = field(default_factory=dict)  # element -> (rating, why)
    actions: list[tuple[str, date, str]] = field(default_factory=list)  # (what, by, who)
    holistic_assessment: str = ""
    recommendation: str | None = None


def pcf_domains(portfolio: Portfolio):
    """The PCF domains the report rates: top-level elements of the pinned PCF version."""
    for framework in portfolio.frameworks:
        if framework.code == "pcf":
            return [e for e in framework.elements if e.depth == 0]
    return []


def recommendation_choices(portfolio: Portfolio) -> dict[str, str]:
    if portfolio.programme.kind == "asye":
        return {"pass": "Pass", "fail": "Fail"}
    return {"ready": "Ready to progress", "not_ready": "Not ready to progress"}


def _require_current_assessor(actor: User, portfolio: Portfolio) -> None:
    if not assesses(actor, portfolio.candidate_id):
        raise ReportError("Only the candidate's current assessor can do this")


def _lock(report: ReviewReport, portfolio: Portfolio) -> None:
    """Serialise every change to a portfolio's reports behind its row lock and read the
    report's workflow columns afresh, so that of two racing sign-offs, returns or
    confirmations the second sees what the first did and is refused."""
    portfolio_operations.lock(portfolio)
    db.session.refresh(report, ["state", "signed_off_at", "outcome", "confirmed_at",
                                "responded_at"])


def _require_draft(report: ReviewReport) -> None:
    if report.state != "draft":
        raise ReportError("This report has been signed off and can no longer be changed")


def start_assessment(actor: User, portfolio: Portfolio) -> ReviewReport:
    """Take a submitted portfolio into assessment and open a draft report for it."""
    _require_current_assessor(actor, portfolio)
    # The transition locks the portfolio first: the snapshot is read only once it is
    # certain that no withdrawal got in before.
    portfolio_operations.start_assessment(actor, portfolio)
    snapshot = portfolio.current_snapshot
    is_panel = snapshot.purpose == "panel"
    code = snapshot.review_point_code or "final"
    final_point = next((p for p in portfolio.review_points if p.code == code), None)
    report = ReviewReport(
        portfolio_id=portfolio.id, review_point_code=code, snapshot_id=snapshot.id,
        assessor_id=actor.id, is_final=is_panel or bool(final_point and final_point.is_final),
    )
    db.session.add(report)
    db.session.flush()
    audit.record(actor, "review_report_started", report, organisation_id=portfolio.organisation_id,
                 portfolio_id=portfolio.id, snapshot_id=snapshot.id)
    notify(portfolio.candidate_id, "Your assessor has started assessing your submission.",
           f"/portfolios/{portfolio.id}")
    return report


def save_draft(actor: User, report: ReviewReport, content: ReportContent) -> None:
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    _require_current_assessor(actor, portfolio)
    _lock(report, portfolio)
    _require_draft(report)
    domains = {e.id for e in pcf_domains(portfolio)}
    for element_id, (rating, _why) in content.ratings.items():
        if element_id not in domains or rating not in RATINGS:
            raise ReportError("Choose a rating for each PCF domain", f"rating-{element_id}")
    if content.recommendation and content.recommendation not in recommendation_choices(
            portfolio):
        raise ReportError("Choose a recommendation", "recommendation")
    report.summary = content.summary.strip()
    report.holistic_assessment = content.holistic_assessment.strip()
    report.recommendation = content.recommendation if report.is_final else None
    # Remove the old rows before adding new ones: (report, element) is unique.
    report.ratings.clear()
    report.actions.clear()
    db.session.flush()
    report.ratings = [DomainProgress(element_id=element_id, rating=rating,
                                     commentary=why.strip())
                      for element_id, (rating, why) in sorted(content.ratings.items())]
    report.actions = [AgreedAction(description=what.strip(), due_on=by, owner=who.strip())
                      for what, by, who in content.actions]
    db.session.flush()
    audit.record(actor, "review_report_saved", report,
                 organisation_id=portfolio.organisation_id)


def missing_for_sign_off(report: ReviewReport, portfolio: Portfolio) -> list[tuple[str, str]]:
    """(field id, message) for everything a signed-off report must have."""
    problems = []
    rated = {r.element_id for r in report.ratings}
    for domain in pcf_domains(portfolio):
        if domain.id not in rated:
            problems.append((f"rating-{domain.id}",
                             f"Choose a rating for {domain.name}"))
    if not report.summary:
        problems.append(("summary", "Write a summary of progress"))
    if report.is_final and not report.holistic_assessment:
        problems.append(("holistic_assessment",
                         "Write the holistic assessment against the target level"))
    if report.is_final and not report.recommendation:
        problems.append(("recommendation", "Choose a recommendation"))
    return problems


def sign_off(actor: User, report: ReviewReport) -> SupportPlan | None:
    """Lock the report. A review point is marked done; a concern opens a support plan."""
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    _require_current_assessor(actor, portfolio)
    _lock(report, portfolio)
    _require_draft(report)
    problems = missing_for_sign_off(report, portfolio)
    if problems:
        raise ReportError(problems[0][1], problems[0][0])
    report.state, report.signed_off_at, report.outcome = "signed_off", utcnow(), "completed"
    point = next((p for p in portfolio.review_points if p.code == report.review_point_code),
                 None)
    if point is not None and point.completed_on is None:
        portfolio_operations.complete_review_point(actor, point, report.signed_off_at.date())
    if not report.is_final:
        portfolio_operations.complete_review(actor, portfolio)
    db.session.flush()
    audit.record(actor, "review_report_signed_off", report,
                 organisation_id=portfolio.organisation_id, recommendation=report.recommendation)
    notify(portfolio.candidate_id, "Your assessor has signed off a review report.",
           f"/reports/{report.id}")
    return _support_plan_if_concerned(report, portfolio)


def _support_plan_if_concerned(report: ReviewReport, portfolio: Portfolio):
    concerns = [r for r in report.ratings if r.rating == "not_on_track"]
    if not concerns:
        return None
    today = report.signed_off_at.date()
    review_on = min([a.due_on for a in report.actions] or
                    [today + timedelta(weeks=SUPPORT_PLAN_WEEKS)])
    plan = SupportPlan(
        portfolio_id=portfolio.id, report_id=report.id, opened_on=today,
        review_on=max(review_on, today),
        concerns="; ".join(r.element.name for r in concerns),
    )
    db.session.add(plan)
    db.session.flush()
    audit.record(None, "support_plan_opened", plan, organisation_id=portfolio.organisation_id,
                 report_id=report.id)
    return plan


def return_to_candidate(actor: User, report: ReviewReport, requests: str) -> None:
    """Send the submission back with specific requests; the round's report is kept."""
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    _require_current_assessor(actor, portfolio)
    _lock(report, portfolio)
    _require_draft(report)
    if not requests.strip():
        raise ReportError("Say what the candidate needs to add or change", "requests")
    report.summary = requests.strip()
    report.state, report.signed_off_at, report.outcome = "signed_off", utcnow(), "returned"
    portfolio_operations.return_to_candidate(actor, portfolio)
    audit.record(actor, "submission_returned", report,
                 organisation_id=portfolio.organisation_id, portfolio_id=portfolio.id)
    notify(portfolio.candidate_id, "Your assessor has returned your submission with requests.",
           f"/reports/{report.id}")


def confirm_support(actor: User, report: ReviewReport, supervision: bool, protected_time: bool,
                    workload_reduction: bool, comment: str) -> None:
    """The line manager confirms supervision, protected time and workload reduction."""
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    if not manages(actor, portfolio.candidate_id):
        raise ReportError("Only the candidate's line manager can confirm this")
    _lock(report, portfolio)
    if report.confirmed_at is not None:
        raise ReportError("The line manager has already confirmed this report")
    report.line_manager_id = actor.id
    report.supervision_confirmed = supervision
    report.protected_time_confirmed = protected_time
    report.workload_reduction_confirmed = workload_reduction
    report.line_manager_comment = comment.strip()
    report.confirmed_at = utcnow()
    db.session.flush()
    audit.record(actor, "support_confirmed", report, organisation_id=portfolio.organisation_id,
                 supervision=supervision, protected_time=protected_time,
                 workload_reduction=workload_reduction)


def respond(actor: User, report: ReviewReport, response: str) -> None:
    """The candidate adds their response to a signed-off report (once)."""
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    if portfolio.candidate_id != actor.id:
        raise ReportError("Only the candidate can respond")
    _lock(report, portfolio)
    if report.state != "signed_off":
        raise ReportError("You can respond once the report has been signed off")
    if report.responded_at is not None:
        raise ReportError("You have already responded to this report")
    if not response.strip():
        raise ReportError("Write your response", "response")
    report.candidate_response = response.strip()
    report.responded_at = utcnow()
    db.session.flush()
    audit.record(actor, "report_response_added", report,
                 organisation_id=portfolio.organisation_id)
    if report.assessor_id:
        notify(report.assessor_id, f"{actor.name} has responded to a review report.",
               f"/reports/{report.id}")


def under_assessment(portfolio: Portfolio) -> bool:
    return PortfolioState(portfolio.state) == PortfolioState.UNDER_ASSESSMENT
