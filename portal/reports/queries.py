"""The statements behind the reports: one per report, returning one plain row per
portfolio (progression) or cohort membership (retention), however many candidates there
are. The grouping and the arithmetic on dates happen in `progression` and `retention`,
so the same code counts on SQLite and PostgreSQL."""

from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.core.dates import start_of_day_in_england
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, Team
from portal.panels.models import AgendaItem, Panel, PanelDecision
from portal.portfolios.models import Portfolio, ProtectedTimeRecord, SupervisionRecord
from portal.portfolios.reviews.models import ReviewReport
from portal.programmes.models import Programme, ProgrammeKind
from portal.reports.filters import Filters
from portal.reports.models import LeavingRecord, ProfessionalRegistration, TeamChange


def filter_choices(organisation_id: int) -> tuple[list, list, list]:
    """(programmes, cohorts, teams) of the council, as plain rows for the filter form."""
    programmes = db.session.execute(
        select(Programme.id, Programme.name)
        .where(Programme.organisation_id == organisation_id).order_by(Programme.name)).all()
    cohorts = db.session.execute(
        select(Cohort.id, Cohort.name, Cohort.start_date)
        .where(Cohort.organisation_id == organisation_id)
        .order_by(Cohort.start_date.desc(), Cohort.name)).all()
    return programmes, cohorts, council_teams(organisation_id)


def narrowed(statement: Select, organisation_id: int, filters: Filters) -> Select:
    """The council's cohorts, narrowed by programme, cohort, entry route and team (the
    statement has Cohort and the candidate's User joined)."""
    statement = statement.where(Cohort.organisation_id == organisation_id)
    if filters.programme_id is not None:
        statement = statement.where(Cohort.programme_id == filters.programme_id)
    if filters.cohort_id is not None:
        statement = statement.where(Cohort.id == filters.cohort_id)
    if filters.entry_route is not None:
        statement = statement.where(Cohort.entry_route == filters.entry_route)
    if filters.team_id is not None:
        statement = statement.where(User.team_id == filters.team_id)
    return statement


def _current_decisions():
    """Each portfolio's decision that stands: its latest one that no correction replaced
    (a deferral followed by a later decision counts as the later one)."""
    correction = aliased(PanelDecision)
    latest_first = func.row_number().over(
        partition_by=PanelDecision.portfolio_id,
        order_by=(PanelDecision.decided_at.desc(), PanelDecision.id.desc()))
    return (select(PanelDecision.portfolio_id, PanelDecision.agenda_item_id,
                   PanelDecision.outcome, PanelDecision.decided_at,
                   latest_first.label("latest_first"))
            .where(~exists().where(correction.corrects_id == PanelDecision.id))
            .subquery())


def progression_rows(organisation_id: int, filters: Filters) -> list:
    """One row per portfolio: programme, cohort, start, and its standing decision's
    outcome and time (None when not decided). With a period, only the portfolios decided
    in it."""
    decision = _current_decisions()
    statement = (
        select(Programme.name.label("programme_name"), Cohort.id.label("cohort_id"),
               Cohort.name.label("cohort_name"), Cohort.start_date.label("cohort_start"),
               Portfolio.start_date, decision.c.outcome, decision.c.decided_at)
        .select_from(Portfolio)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .join(User, User.id == Portfolio.candidate_id)
        .outerjoin(decision, and_(decision.c.portfolio_id == Portfolio.id,
                                  decision.c.latest_first == 1)))
    year = filters.year
    if year is not None:
        statement = statement.where(
            decision.c.decided_at >= start_of_day_in_england(year.first_day),
            decision.c.decided_at < start_of_day_in_england(year.last_day + timedelta(days=1)))
    statement = narrowed(statement, organisation_id, filters)
    return db.session.execute(statement.order_by(Programme.name, Cohort.start_date,
                                                 Cohort.name)).all()


def retention_rows(organisation_id: int, filters: Filters) -> list:
    """One row per cohort membership: the cohort, its entry route, when the person started
    (the cohort's start, or the day they joined if later) and when they left, if they
    did. With a period, only the memberships of cohorts that started in it."""
    statement = (
        select(Cohort.id.label("cohort_id"), Cohort.name.label("cohort_name"),
               Cohort.entry_route, Cohort.start_date.label("cohort_start"),
               CohortMembership.joined_on, LeavingRecord.left_on)
        .select_from(CohortMembership)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .join(User, User.id == CohortMembership.candidate_id)
        .outerjoin(LeavingRecord, LeavingRecord.candidate_id == CohortMembership.candidate_id))
    year = filters.year
    if year is not None:
        statement = statement.where(Cohort.start_date.between(year.first_day, year.last_day))
    statement = narrowed(statement, organisation_id, filters)
    return db.session.execute(statement.order_by(Cohort.entry_route, Cohort.start_date,
                                                 Cohort.name)).all()


def claim_rows(organisation_id: int, filters: Filters) -> list:
    """One row per portfolio on an ASYE programme: the person, their registration
    details, the portfolio's start, its standing decision with the day its panel sat (a
    correction typed in later keeps the panel's day) and when they left (the claim list
    sorts out who counts in which year)."""
    decision = _current_decisions()
    statement = (
        select(User.id.label("candidate_id"), User.name, Programme.name.label("programme_name"),
               Portfolio.start_date, ProfessionalRegistration.qualified_on,
               ProfessionalRegistration.swe_number, ProfessionalRegistration.asye_registered_on,
               decision.c.outcome, Panel.sits_on.label("sat_on"), LeavingRecord.left_on)
        .select_from(Portfolio)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .join(Programme, Programme.id == Portfolio.programme_id)
        .join(User, User.id == Portfolio.candidate_id)
        .outerjoin(ProfessionalRegistration,
                   ProfessionalRegistration.candidate_id == Portfolio.candidate_id)
        .outerjoin(LeavingRecord, LeavingRecord.candidate_id == Portfolio.candidate_id)
        .outerjoin(decision, and_(decision.c.portfolio_id == Portfolio.id,
                                  decision.c.latest_first == 1))
        .outerjoin(AgendaItem, AgendaItem.id == decision.c.agenda_item_id)
        .outerjoin(Panel, Panel.id == AgendaItem.panel_id)
        .where(Programme.kind == ProgrammeKind.ASYE.value, User.erased_at.is_(None)))
    statement = narrowed(statement, organisation_id, filters)
    return db.session.execute(statement.order_by(User.name, User.id,
                                                 Portfolio.start_date)).all()


def asye_start_of(candidate_id: int) -> date | None:
    """When the person's ASYE started: the start of their first portfolio on an ASYE
    programme."""
    return db.session.scalar(
        select(func.min(Portfolio.start_date))
        .join(Programme, Programme.id == Portfolio.programme_id)
        .where(Portfolio.candidate_id == candidate_id,
               Programme.kind == ProgrammeKind.ASYE.value))


# Employment records -----------------------------------------------------------------------
class SocialWorker(NamedTuple):
    """A row of the employment records list."""

    id: int
    name: str
    team_name: str | None
    left_on: date | None
    reason: str | None


def people_statement(organisation_id: int) -> Select:
    """The council's social workers who are or were in a cohort, by name, each with their
    team and leaving date (for a paginated list)."""
    in_a_cohort = exists().where(CohortMembership.candidate_id == User.id)
    return (select(User.id, User.name, Team.name.label("team_name"), LeavingRecord.left_on,
                   LeavingRecord.reason)
            .outerjoin(Team, Team.id == User.team_id)
            .outerjoin(LeavingRecord, LeavingRecord.candidate_id == User.id)
            .where(User.organisation_id == organisation_id, in_a_cohort)
            .order_by(User.name, User.id))


def cohorts_of(candidate_id: int) -> list:
    """The person's cohorts, earliest first: name, programme, start and the day they joined."""
    return db.session.execute(
        select(Cohort.name, Programme.name.label("programme_name"), Cohort.start_date,
               Cohort.entry_route, CohortMembership.joined_on)
        .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .where(CohortMembership.candidate_id == candidate_id)
        .order_by(Cohort.start_date, Cohort.name)).all()


def team_changes_of(candidate_id: int) -> list:
    """The person's moves between teams, latest first, with the teams' names."""
    from_team, to_team = aliased(Team), aliased(Team)
    return db.session.execute(
        select(TeamChange.changed_on, from_team.name.label("from_team"),
               to_team.name.label("to_team"))
        .outerjoin(from_team, from_team.id == TeamChange.from_team_id)
        .join(to_team, to_team.id == TeamChange.to_team_id)
        .where(TeamChange.candidate_id == candidate_id)
        .order_by(TeamChange.changed_on.desc(), TeamChange.id.desc())).all()


def council_teams(organisation_id: int) -> list:
    return db.session.execute(select(Team.id, Team.name).where(
        Team.organisation_id == organisation_id).order_by(Team.name)).all()


def support_rows(organisation_id: int, filters: Filters, today: date) -> list:
    """One row per ASYE portfolio: the candidate, cohort and start, the supervision
    sessions and protected minutes recorded up to today, the line manager's latest word on
    the workload reduction (None before any), and when they left (if they did). With a
    period, the portfolios that started in it."""
    supervisions = (select(func.count(SupervisionRecord.id))
                    .where(SupervisionRecord.portfolio_id == Portfolio.id,
                           SupervisionRecord.held_on <= today)
                    .correlate(Portfolio).scalar_subquery())
    minutes = (select(func.coalesce(func.sum(ProtectedTimeRecord.minutes), 0))
               .where(ProtectedTimeRecord.portfolio_id == Portfolio.id,
                      ProtectedTimeRecord.taken_on <= today)
               .correlate(Portfolio).scalar_subquery())
    # The line manager confirms (or not) the workload reduction with each review report:
    # the latest confirmation stands.
    confirmed = (select(ReviewReport.workload_reduction_confirmed)
                 .where(ReviewReport.portfolio_id == Portfolio.id,
                        ReviewReport.confirmed_at.is_not(None))
                 .order_by(ReviewReport.confirmed_at.desc(), ReviewReport.id.desc())
                 .limit(1).correlate(Portfolio).scalar_subquery())
    statement = (
        select(User.name.label("candidate_name"), Cohort.id.label("cohort_id"),
               Cohort.name.label("cohort_name"), Portfolio.start_date,
               supervisions.label("supervisions"), minutes.label("protected_minutes"),
               confirmed.label("workload_confirmed"), LeavingRecord.left_on)
        .select_from(Portfolio)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .join(Programme, Programme.id == Cohort.programme_id)
        .join(User, User.id == Portfolio.candidate_id)
        .outerjoin(LeavingRecord, LeavingRecord.candidate_id == Portfolio.candidate_id)
        .where(Programme.kind == "asye"))
    year = filters.year
    if year is not None:
        statement = statement.where(Portfolio.start_date.between(year.first_day, year.last_day))
    statement = narrowed(statement, organisation_id, filters)
    return db.session.execute(statement.order_by(Cohort.start_date, Cohort.name, User.name,
                                                 Portfolio.id)).all()


def outcomes_by_council(organisation_ids: set[int], filters: Filters) -> list:
    """(organisation id, outcome, portfolios) for the standing decisions made in the
    period at these councils: counts only, for the partnership report."""
    decision = _current_decisions()
    statement = (
        select(Cohort.organisation_id, decision.c.outcome,
               func.count(Portfolio.id).label("portfolios"))
        .select_from(Portfolio)
        .join(CohortMembership, CohortMembership.id == Portfolio.membership_id)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .join(decision, and_(decision.c.portfolio_id == Portfolio.id,
                             decision.c.latest_first == 1))
        .where(Cohort.organisation_id.in_(organisation_ids)))
    year = filters.year
    if year is not None:
        statement = statement.where(
            decision.c.decided_at >= start_of_day_in_england(year.first_day),
            decision.c.decided_at < start_of_day_in_england(year.last_day + timedelta(days=1)))
    return db.session.execute(statement.group_by(Cohort.organisation_id,
                                                 decision.c.outcome)).all()


def retention_by_council(organisation_ids: set[int]) -> list:
    """One row per cohort membership at these councils: the council, when the person
    started and when they left, if they did (for the partnership report)."""
    return db.session.execute(
        select(Cohort.organisation_id, Cohort.start_date.label("cohort_start"),
               CohortMembership.joined_on, LeavingRecord.left_on)
        .select_from(CohortMembership)
        .join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .outerjoin(LeavingRecord, LeavingRecord.candidate_id == CohortMembership.candidate_id)
        .where(Cohort.organisation_id.in_(organisation_ids))).all()
