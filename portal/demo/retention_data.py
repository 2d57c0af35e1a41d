"""Social workers of the demo council's finished cohorts, some of whom have left or moved
team, so the retention report and the employment records have something to show. Their
ASYE predates the portal, so they have no portfolio here."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, Team
from portal.reports.models import LeavingReason, LeavingRecord, TeamChange

STEP_UP_2023 = "ASYE children's services Step Up September 2023"
ADULTS_2024 = "ASYE adults September 2024"

# (name, email local part, team, cohort, (left on, why) or None)
PAST_CANDIDATES = [
    ("Nadia Hussain", "nadia.hussain", "Children in Need North", STEP_UP_2023, None),
    ("Owen Davies", "owen.davies", "Children in Need South", STEP_UP_2023,
     (date(2024, 6, 28), LeavingReason.RESIGNATION)),
    ("Leah Morgan", "leah.morgan", "Children in Need North", STEP_UP_2023, None),
    ("Samuel Osei", "samuel.osei", "Children in Need South", STEP_UP_2023,
     (date(2025, 11, 14), LeavingReason.MOVED_WITHIN_COUNCIL)),
    ("Ella Hughes", "ella.hughes", "Adults Community East", ADULTS_2024, None),
    ("Marcus Bell", "marcus.bell", "Hospital Discharge", ADULTS_2024,
     (date(2025, 4, 30), LeavingReason.OTHER)),
    ("Fatima Begum", "fatima.begum", "Adults Community East", ADULTS_2024, None),
]

# (email local part, from team, to team, on)
TEAM_CHANGES = [
    ("nadia.hussain", "Children in Need South", "Children in Need North", date(2025, 4, 1)),
]


def seed_retention(council_id: int, email_for, password_hash: str) -> int:
    """Add the past candidates, their memberships, leaving records and moves (once); the
    finished cohorts are closed. Returns how many people were added."""
    teams = {team.name: team for team in db.session.scalars(
        select(Team).where(Team.organisation_id == council_id))}
    cohorts = {cohort.name: cohort for cohort in db.session.scalars(
        select(Cohort).where(Cohort.organisation_id == council_id,
                             Cohort.name.in_([STEP_UP_2023, ADULTS_2024])))}
    added, people = 0, {}
    for name, local, team, cohort_name, leaving in PAST_CANDIDATES:
        person = db.session.scalar(select(User).where(User.email == email_for(local)))
        if person is None:
            person = _add_person(council_id, name, email_for(local), password_hash,
                                 teams[team].id, cohorts[cohort_name], leaving)
            added += 1
        people[local] = person
    for local, before, after, on in TEAM_CHANGES:
        if db.session.scalar(select(TeamChange.id).where(
                TeamChange.candidate_id == people[local].id)) is None:
            db.session.add(TeamChange(organisation_id=council_id, candidate_id=people[local].id,
                                      from_team_id=teams[before].id, to_team_id=teams[after].id,
                                      changed_on=on))
    for cohort in cohorts.values():
        cohort.active = False
    db.session.flush()
    return added


def _add_person(council_id, name, email, password_hash, team_id, cohort, leaving) -> User:
    person = User(organisation_id=council_id, name=name, email=email,
                  password_hash=password_hash, team_id=team_id, active=leaving is None)
    person.role_grants = [UserRole(role=Role.CANDIDATE.value)]
    db.session.add(person)
    db.session.flush()
    db.session.add(CohortMembership(cohort_id=cohort.id, candidate_id=person.id,
                                    joined_on=cohort.start_date))
    if leaving:
        left_on, reason = leaving
        db.session.add(LeavingRecord(organisation_id=council_id, candidate_id=person.id,
                                     left_on=left_on, reason=reason.value))
    return person
