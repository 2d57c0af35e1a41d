"""What the lead's dashboard reads: one statement per kind of thing over all the open
cohorts at once, so the page asks the same number of statements however many
candidates, review points, reports or panels there are."""

from collections.abc import Collection, Sequence
from datetime import date, timedelta

from sqlalchemy import Row, String, and_, cast, exists, func, literal, or_, select, union_all
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.assessment.models import Observation
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.dates import start_of_day_in_england
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, FeedbackStatus
from portal.frameworks.models import FrameworkElement
from portal.organisations.models import CohortMembership
from portal.panels.models import AgendaItem, Panel, PanelDecision
from portal.portfolios.models import (
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    PortfolioState,
)
from portal.portfolios.records.sources import record_sources
from portal.portfolios.reviews.models import DomainProgress, ReviewReport, SupportPlan
from portal.programmes.models import Programme

# Review points, feedback and reports of a portfolio at panel or decided are settled.
SETTLED = (PortfolioState.AT_PANEL.value, PortfolioState.DECIDED.value)
# The candidate is still building the portfolio: required components are counted.
BUILDING = (PortfolioState.DRAFT.value, PortfolioState.RETURNED.value)
# A submission in one of these states waits for its assessor's report until one is
# signed off on it.
AWAITING_REPORT = (PortfolioState.SUBMITTED_FOR_REVIEW.value,
                   PortfolioState.SUBMITTED_FOR_PANEL.value,
                   PortfolioState.UNDER_ASSESSMENT.value)


def _in_cohorts(cohort_ids: Collection[int]):
    """The condition that keeps portfolios of members of `cohort_ids` (join
    CohortMembership on the portfolio's membership first)."""
    return CohortMembership.cohort_id.in_(list(cohort_ids))


def candidates(cohort_ids: Collection[int]) -> Sequence[Row]:
    """(cohort_id, candidate_id, name, portfolio_id, state, start_date, programme,
    extension_days, plan_opened_on, decision_outcome, evidence_due_on) for each member of
    the cohorts, by name: the portfolio's state, its programme (the Programme, which the
    cohort may have changed since) and schedule, the earliest support plan still open and
    the panel's latest decision."""
    portfolio = aliased(Portfolio, name="member_portfolio")
    programme = aliased(Programme, name="programme")
    plan_opened_on = (
        select(func.min(SupportPlan.opened_on))
        .where(SupportPlan.portfolio_id == portfolio.id, SupportPlan.closed_on.is_(None))
        .correlate(portfolio).scalar_subquery())
    latest_decision = (
        select(func.max(PanelDecision.id))
        .where(PanelDecision.portfolio_id == portfolio.id)
        .correlate(portfolio).scalar_subquery())
    return db.session.execute(
        select(CohortMembership.cohort_id, User.id.label("candidate_id"), User.name,
               portfolio.id.label("portfolio_id"), portfolio.state, portfolio.start_date,
               programme, portfolio.extension_total.label("extension_days"),
               plan_opened_on.label("plan_opened_on"),
               PanelDecision.outcome.label("decision_outcome"),
               PanelDecision.evidence_due_on)
        .join(User, User.id == CohortMembership.candidate_id)
        .outerjoin(portfolio, portfolio.membership_id == CohortMembership.id)
        .outerjoin(programme, programme.id == portfolio.programme_id)
        .outerjoin(PanelDecision, PanelDecision.id == latest_decision)
        .where(_in_cohorts(cohort_ids))
        .order_by(func.lower(User.name), User.id)
    ).all()


def review_points_due(cohort_ids: Collection[int], by: date) -> Sequence[Row]:
    """(portfolio_id, candidate_id, name, title, due_on, optional) for each review point
    not done, due on or before `by`, of an unsettled portfolio in the cohorts, soonest
    first: the overdue ones and those coming up."""
    return db.session.execute(
        select(Portfolio.id.label("portfolio_id"), Portfolio.candidate_id, User.name,
               PortfolioReviewPoint.title, PortfolioReviewPoint.due_on,
               PortfolioReviewPoint.optional)
        .join(Portfolio, Portfolio.id == PortfolioReviewPoint.portfolio_id)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(User, User.id == Portfolio.candidate_id)
        .where(_in_cohorts(cohort_ids), Portfolio.state.not_in(SETTLED),
               PortfolioReviewPoint.completed_on.is_(None),
               PortfolioReviewPoint.due_on <= by)
        .order_by(PortfolioReviewPoint.due_on, func.lower(User.name),
                  PortfolioReviewPoint.position)
    ).all()


def domains_not_on_track(cohort_ids: Collection[int]) -> Sequence[Row]:
    """(portfolio_id, code, title) for each domain the latest signed-off review report of
    a portfolio in the cohorts rated not on track."""
    later = aliased(ReviewReport)
    newer_signed_off = (
        select(later.id)
        .where(later.portfolio_id == ReviewReport.portfolio_id, later.id > ReviewReport.id,
               later.state == "signed_off")
        .correlate(ReviewReport).exists())
    return db.session.execute(
        select(ReviewReport.portfolio_id, FrameworkElement.code, FrameworkElement.title)
        .join(DomainProgress, DomainProgress.report_id == ReviewReport.id)
        .join(FrameworkElement, FrameworkElement.id == DomainProgress.element_id)
        .join(Portfolio, Portfolio.id == ReviewReport.portfolio_id)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .where(_in_cohorts(cohort_ids), ReviewReport.state == "signed_off",
               DomainProgress.rating == "not_on_track", ~newer_signed_off)
        .order_by(ReviewReport.portfolio_id, FrameworkElement.position, FrameworkElement.id)
    ).all()


def component_counts(cohort_ids: Collection[int]) -> Sequence[Row]:
    """(portfolio_id, source, kind, number): each portfolio's entries by evidence type
    ("evidence") and its structured records by kind ("record"), for the portfolios in the
    cohorts still being built (draft or returned)."""
    building = (
        select(Portfolio.id)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .where(_in_cohorts(cohort_ids),
               Portfolio.state.in_(BUILDING)))
    branches = [
        select(PortfolioEntry.portfolio_id, cast(literal("evidence"), String).label("source"),
               cast(EvidenceEntry.evidence_type, String).label("kind"))
        .join(EvidenceEntry, EvidenceEntry.id == PortfolioEntry.entry_id)
        .where(PortfolioEntry.portfolio_id.in_(building)),
        *(select(source.model.portfolio_id, cast(literal("record"), String).label("source"),
                 cast(literal(source.kind.value), String).label("kind"))
          .where(source.model.portfolio_id.in_(building))
          for source in record_sources()),
    ]
    rows = union_all(*branches).subquery()
    return db.session.execute(
        select(rows.c.portfolio_id, rows.c.source, rows.c.kind, func.count().label("number"))
        .group_by(rows.c.portfolio_id, rows.c.source, rows.c.kind)
    ).all()


def reports_waiting_for_line_manager(cohort_ids: Collection[int]) -> Sequence[Row]:
    """(report_id, portfolio_id, name, point_title, signed_off_at) for each completed
    review report signed off and not yet confirmed by the line manager, oldest first."""
    return db.session.execute(
        select(ReviewReport.id.label("report_id"), Portfolio.id.label("portfolio_id"),
               User.name, PortfolioReviewPoint.title.label("point_title"),
               ReviewReport.signed_off_at)
        .join(Portfolio, Portfolio.id == ReviewReport.portfolio_id)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(User, User.id == Portfolio.candidate_id)
        .outerjoin(PortfolioReviewPoint, and_(
            PortfolioReviewPoint.portfolio_id == Portfolio.id,
            PortfolioReviewPoint.code == ReviewReport.review_point_code))
        .where(_in_cohorts(cohort_ids), Portfolio.state != PortfolioState.DECIDED.value,
               ReviewReport.state == "signed_off", ReviewReport.outcome == "completed",
               ReviewReport.confirmed_at.is_(None))
        .order_by(ReviewReport.signed_off_at, ReviewReport.id)
    ).all()


def ready_for_panel(cohort_ids: Collection[int]) -> Sequence[Row]:
    """(portfolio_id, name, recommendation, signed_off_at) for each portfolio whose final
    report is signed off and which waits on no agenda yet, oldest first."""
    on_agenda = (
        select(AgendaItem.id)
        .where(AgendaItem.portfolio_id == Portfolio.id, AgendaItem.state == "waiting")
        .correlate(Portfolio).exists())
    return db.session.execute(
        select(Portfolio.id.label("portfolio_id"), User.name, ReviewReport.recommendation,
               ReviewReport.signed_off_at)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(User, User.id == Portfolio.candidate_id)
        .join(ReviewReport, ReviewReport.snapshot_id == Portfolio.current_snapshot_id)
        .where(_in_cohorts(cohort_ids),
               Portfolio.state == PortfolioState.UNDER_ASSESSMENT.value,
               ReviewReport.is_final.is_(True), ReviewReport.state == "signed_off",
               ReviewReport.outcome == "completed", ~on_agenda)
        .order_by(ReviewReport.signed_off_at, Portfolio.id)
    ).all()


def next_panels(organisation_id: int, today: date, limit: int = 5) -> Sequence[Row]:
    """(id, title, sits_on, waiting) for the organisation's next scheduled panels, soonest
    first, with how many portfolios wait on each agenda."""
    waiting = (
        select(func.count(AgendaItem.id))
        .where(AgendaItem.panel_id == Panel.id, AgendaItem.state == "waiting")
        .correlate(Panel).scalar_subquery())
    return db.session.execute(
        select(Panel.id, Panel.title, Panel.sits_on, waiting.label("waiting"))
        .where(Panel.organisation_id == organisation_id, Panel.sits_on >= today,
               Panel.status == "scheduled", Panel.cancelled_at.is_(None))
        .order_by(Panel.sits_on, Panel.id)
        .limit(limit)
    ).all()


def _assessing(staff_id_column):
    """The current assessor assignments of the person in `staff_id_column`, aliased so
    they can sit inside a statement about candidates."""
    mine = aliased(Assignment)
    return mine, and_(mine.staff_id == staff_id_column, mine.ended_on.is_(None),
                      mine.role == AssignmentRole.ASSESSOR.value)


def _feedback_waiting(column):
    """`column` (a count or the oldest time) over the entries waiting for the assessor in
    the outer statement's User row: see `assessor_workload`."""
    mine, current = _assessing(User.id)
    own_observation = exists().where(Observation.entry_id == EvidenceEntry.id,
                                     Observation.observer_id == mine.staff_id)
    return (
        select(column)
        .select_from(EvidenceEntry)
        .join(mine, and_(mine.candidate_id == EvidenceEntry.candidate_id, current))
        .join(PortfolioEntry, PortfolioEntry.entry_id == EvidenceEntry.id)
        .join(Portfolio, and_(Portfolio.id == PortfolioEntry.portfolio_id,
                              Portfolio.candidate_id == EvidenceEntry.candidate_id))
        .where(Portfolio.state.not_in(SETTLED), ~own_observation,
               or_(EvidenceEntry.feedback_status.is_(None),
                   EvidenceEntry.feedback_status == FeedbackStatus.AWAITING_ASSESSOR.value))
        .correlate(User).scalar_subquery())


def _overdue_reports(today: date, assess_within_days: int):
    """How many submissions of the outer User row's candidates wait for a report past its
    date: the review point's due date, or `assess_within_days` after a panel submission."""
    mine, current = _assessing(User.id)
    signed_off = exists().where(ReviewReport.snapshot_id == Portfolio.current_snapshot_id,
                                ReviewReport.state == "signed_off")
    cutoff = start_of_day_in_england(today - timedelta(days=assess_within_days))
    return (
        select(func.count(Portfolio.id))
        .join(mine, and_(mine.candidate_id == Portfolio.candidate_id, current))
        .join(PortfolioSnapshot, PortfolioSnapshot.id == Portfolio.current_snapshot_id)
        .outerjoin(PortfolioReviewPoint, and_(
            PortfolioReviewPoint.portfolio_id == Portfolio.id,
            PortfolioReviewPoint.code == PortfolioSnapshot.review_point_code))
        .where(Portfolio.state.in_(AWAITING_REPORT), ~signed_off,
               or_(PortfolioReviewPoint.due_on < today,
                   and_(PortfolioReviewPoint.id.is_(None),
                        PortfolioSnapshot.submitted_at < cutoff)))
        .correlate(User).scalar_subquery())


def assessor_workload(organisation_id: int, today: date, assess_within_days: int,
                      ) -> Sequence[Row]:
    """(assessor_id, name, candidates, feedback_waiting, waiting_since, overdue_reports)
    for each person assessing a candidate of the organisation now, by name. Feedback waits
    on an entry in an unsettled portfolio whose thread is empty or ends with the
    candidate's reply (not an entry made from the assessor's own observation); a report is
    overdue when a submission is not yet signed off after its date."""
    mine, current = _assessing(User.id)
    caseload = (
        select(func.count(func.distinct(mine.candidate_id))).where(current)
        .correlate(User).scalar_subquery())
    return db.session.execute(
        select(User.id.label("assessor_id"), User.name, caseload.label("candidates"),
               _feedback_waiting(func.count(func.distinct(EvidenceEntry.id)))
               .label("feedback_waiting"),
               _feedback_waiting(func.min(PortfolioEntry.added_at)).label("waiting_since"),
               _overdue_reports(today, assess_within_days).label("overdue_reports"))
        .where(User.organisation_id == organisation_id,
               exists().where(current).correlate(User))
        .order_by(func.lower(User.name), User.id)
    ).all()
