"""Read models for cohort pages: the plain rows their lists show."""

from datetime import date
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, EntryRoute, Team
from portal.portfolios.models import Portfolio, PortfolioReviewPoint, PortfolioState
from portal.portfolios.reviews.models import SupportPlan
from portal.programmes.models import Programme


class CohortHeading(NamedTuple):
    """What the cohort's page shows above its list, as plain values: loading the cohort
    and its programme as objects cost a tenth of the page."""

    id: int
    organisation_id: int
    name: str
    programme_name: str
    start_date: date
    entry_route: str
    active: bool
    programme_version: int

    @property
    def entry_route_label(self) -> str:
        return EntryRoute(self.entry_route).label


def cohort_heading(cohort_id: int) -> CohortHeading | None:
    """The cohort's heading, whichever organisation it belongs to (the caller checks)."""
    row = db.session.execute(
        select(Cohort.id, Cohort.organisation_id, Cohort.name, Programme.name,
               Cohort.start_date, Cohort.entry_route, Cohort.active, Programme.version)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(Cohort.id == cohort_id)
    ).first()
    return None if row is None else CohortHeading(*row)


class OpenEnrolment(NamedTuple):
    """Where a candidate's portfolio in progress is: their cohort and its programme."""

    cohort_name: str
    programme_name: str


def open_enrolment_elsewhere(candidate_id: int, cohort_id: int) -> OpenEnrolment | None:
    """The candidate's portfolio in another cohort that is still open (anything but
    decided), if there is one. A candidate works on one portfolio at a time."""
    row = db.session.execute(
        select(Cohort.name, Programme.name)
        .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .join(Portfolio, Portfolio.membership_id == CohortMembership.id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(Portfolio.candidate_id == candidate_id, Cohort.id != cohort_id,
               Portfolio.state != PortfolioState.DECIDED.value)
        .order_by(Portfolio.id)
        .limit(1)
    ).first()
    return None if row is None else OpenEnrolment(*row)


class CohortMember(NamedTuple):
    """A row of the cohort's list, as plain values: a page of 25 candidates used to load
    memberships, people, teams and every portfolio with its review points as objects."""

    membership_id: int
    candidate_id: int
    joined_on: date
    name: str
    team_name: str | None
    portfolio_state: str | None  # None: no portfolio yet
    next_due_on: date | None
    open_plan_id: int | None
    assessor_name: str | None
    portfolio_id: int | None  # None: no portfolio yet


def member_count_statement(cohort_id: int):
    """How many candidates are in the cohort."""
    return select(func.count()).select_from(CohortMembership).where(
        CohortMembership.cohort_id == cohort_id)


def members_page_statement(cohort_id: int, limit: int, offset: int):
    """A page of the cohort's members with what the list shows of each: their team,
    portfolio state, next review date, whether a support plan is open and their current
    assessor's name, all in one query with the cohort's total as the last column.

    The page is taken first, in name order (the account's name, without case), so
    everything else is looked up for those rows only. Each member's portfolio is
    joined once (a membership has at most one: membership_id is unique), and its open plan
    and next review point are subqueries on the portfolio's id; three subqueries that each
    found the portfolio again cost PostgreSQL a quarter more.
    """
    member = (
        select(CohortMembership.id, CohortMembership.candidate_id,
               CohortMembership.joined_on, func.lower(User.name).label("name_order"))
        .join(User, User.id == CohortMembership.candidate_id)
        .where(CohortMembership.cohort_id == cohort_id)
        .order_by(func.lower(User.name), CohortMembership.candidate_id)
        .limit(limit).offset(offset)
        .subquery("member")
    )
    portfolio = aliased(Portfolio, name="member_portfolio")
    # An open plan's id, not EXISTS: PostgreSQL would hash every plan for an EXISTS, but
    # works out a scalar subquery for the page's rows alone.
    open_plan = (
        select(SupportPlan.id)
        .where(SupportPlan.portfolio_id == portfolio.id, SupportPlan.closed_on.is_(None))
        .limit(1).correlate(portfolio).scalar_subquery())
    next_due = (
        select(PortfolioReviewPoint.due_on)
        .where(PortfolioReviewPoint.portfolio_id == portfolio.id,
               PortfolioReviewPoint.completed_on.is_(None))
        .order_by(PortfolioReviewPoint.position)
        .limit(1).correlate(portfolio).scalar_subquery())
    assessor = aliased(User)
    assessor_name = (
        select(assessor.name)
        .join(Assignment, Assignment.staff_id == assessor.id)
        .where(Assignment.candidate_id == member.c.candidate_id,
               Assignment.role == AssignmentRole.ASSESSOR.value,
               Assignment.ended_on.is_(None))
        .order_by(Assignment.id.desc())
        .limit(1)
        .correlate(member)
        .scalar_subquery()
    )
    total = member_count_statement(cohort_id).scalar_subquery()
    return (
        select(member.c.id, member.c.candidate_id, member.c.joined_on, User.name, Team.name,
               portfolio.state, next_due, open_plan, assessor_name, portfolio.id,
               total.label("total_rows"))
        .select_from(member)
        .join(User, member.c.candidate_id == User.id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(portfolio, portfolio.membership_id == member.c.id)
        .order_by(member.c.name_order, member.c.candidate_id)
    )
