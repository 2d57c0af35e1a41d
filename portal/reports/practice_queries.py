"""The statements behind the assessment practice report: one each for feedback, reports
and observations, returning plain rows however many candidates there are; the grouping
and the arithmetic on times happen in `practice`."""

from datetime import timedelta

from sqlalchemy import and_, func, select, true

from portal.accounts.models import User
from portal.assessment.models import EvidenceFeedback, Observation
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.dates import start_of_day_in_england
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership
from portal.portfolios.models import Portfolio, PortfolioEntry, PortfolioSnapshot
from portal.portfolios.reviews.models import ReviewReport
from portal.reports.filters import Filters
from portal.reports.queries import narrowed


def _in_selection(statement, organisation_id: int, filters: Filters):
    """`statement` (with Portfolio in it) limited to the council's portfolios that the
    filters select, with the candidate's User and Cohort joined for `narrowed`."""
    statement = (statement
                 .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
                 .join(Cohort, Cohort.id == CohortMembership.cohort_id)
                 .join(User, User.id == Portfolio.candidate_id))
    return narrowed(statement, organisation_id, filters)


def _within_year(column, filters: Filters):
    year = filters.year
    if year is None:
        return true()
    return and_(column >= start_of_day_in_england(year.first_day),
                column < start_of_day_in_england(year.last_day + timedelta(days=1)))


def first_feedback_rows(organisation_id: int, filters: Filters) -> list:
    """One row per (portfolio entry, member of staff who wrote about it): when the entry
    was put in the portfolio and when that person first wrote. With a period, the entries
    put in a portfolio in it."""
    responder = User.__table__.alias("responder")
    statement = (
        select(PortfolioEntry.id.label("item_id"), PortfolioEntry.added_at,
               responder.c.id.label("staff_id"), responder.c.name.label("staff_name"),
               func.min(EvidenceFeedback.created_at).label("first_at"))
        .select_from(PortfolioEntry)
        .join(Portfolio, Portfolio.id == PortfolioEntry.portfolio_id)
        .join(EvidenceFeedback, and_(EvidenceFeedback.entry_id == PortfolioEntry.entry_id,
                                     EvidenceFeedback.author_id != Portfolio.candidate_id,
                                     EvidenceFeedback.created_at >= PortfolioEntry.added_at))
        .join(responder, responder.c.id == EvidenceFeedback.author_id))
    statement = _in_selection(statement, organisation_id, filters).where(
        _within_year(PortfolioEntry.added_at, filters))
    return db.session.execute(statement.group_by(
        PortfolioEntry.id, PortfolioEntry.added_at, responder.c.id, responder.c.name)).all()


def report_rows(organisation_id: int, filters: Filters) -> list:
    """One row per review report on a submission: its assessor, when the submission came
    and when the report was signed off (None while it is not). With a period, the
    submissions made in it."""
    assessor = User.__table__.alias("assessor")
    statement = (
        select(assessor.c.id.label("staff_id"), assessor.c.name.label("staff_name"),
               PortfolioSnapshot.submitted_at, ReviewReport.signed_off_at)
        .select_from(ReviewReport)
        .join(PortfolioSnapshot, PortfolioSnapshot.id == ReviewReport.snapshot_id)
        .join(Portfolio, Portfolio.id == ReviewReport.portfolio_id)
        .join(assessor, assessor.c.id == ReviewReport.assessor_id))
    statement = _in_selection(statement, organisation_id, filters).where(
        _within_year(PortfolioSnapshot.submitted_at, filters))
    return db.session.execute(statement).all()


def observation_rows(organisation_id: int, filters: Filters) -> list:
    """One row per selected candidate with a current assessor: the assessor and how many
    signed-off observations the candidate has (in the period, when one is chosen)."""
    assessor = User.__table__.alias("assessor")
    observed = (select(func.count(Observation.id))
                .where(Observation.candidate_id == Portfolio.candidate_id,
                       Observation.state == "signed_off",
                       _within_year(Observation.signed_off_at, filters))
                .correlate(Portfolio).scalar_subquery())
    statement = (
        select(assessor.c.id.label("staff_id"), assessor.c.name.label("staff_name"),
               Portfolio.candidate_id, observed.label("observations"))
        .select_from(Portfolio)
        .join(Assignment, and_(Assignment.candidate_id == Portfolio.candidate_id,
                               Assignment.role == AssignmentRole.ASSESSOR.value,
                               Assignment.ended_on.is_(None)))
        .join(assessor, assessor.c.id == Assignment.staff_id))
    statement = _in_selection(statement, organisation_id, filters)
    return db.session.execute(statement.distinct()).all()
