"""Load the demo council. Safe to run again: it finds what exists and adds what is missing."""

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.passwords import hash_password
from portal.assignments.models import Assignment
from portal.core.db import db
from portal.demo import data
from portal.demo.concern_data import seed_demo_concern
from portal.demo.partnership_data import seed_partnership
from portal.demo.portfolio_data import seed_demo_panel, seed_demo_portfolio
from portal.demo.retention_data import seed_retention
from portal.frameworks.queries import load_shipped_frameworks
from portal.organisations.models import Cohort, CohortMembership, Organisation, Team
from portal.panels.decisions import ensure_decision_codes
from portal.portfolios.operations import enrol
from portal.programmes.models import Programme
from portal.programmes.templates import install_template
from portal.reports.models import ProfessionalRegistration


def _get_or_add(model, lookup: dict, **values):
    found = db.session.scalar(select(model).filter_by(**lookup))
    if found is not None:
        return found, False
    created = model(**lookup, **values)
    db.session.add(created)
    db.session.flush()
    return created, True


def _assign(people: dict) -> int:
    """Give each demo candidate their assessor and line manager (once)."""
    added = 0
    for candidate, staff, role, since in data.ASSIGNMENTS:
        _, new = _get_or_add(
            Assignment,
            {"candidate_id": people[candidate].id, "staff_id": people[staff].id, "role": role},
            organisation_id=people[candidate].organisation_id, started_on=since,
        )
        added += new
    return added


def seed_demo() -> dict[str, int]:
    """Add the demo data; returns how many rows of each kind were created."""
    created = {"organisations": 0, "teams": 0, "programmes": 0, "cohorts": 0, "users": 0,
               "memberships": 0, "frameworks": len(load_shipped_frameworks())}
    name, short = data.COUNCIL
    # Off in the demo, so every demo account signs in with the password on day one; any
    # demo user can still turn two-factor sign-in on from their account page.
    council, new = _get_or_add(Organisation, {"name": name}, short_name=short,
                               two_factor_for_leads_and_admins=False)
    created["organisations"] += new
    teams = {}
    for team_name in data.TEAMS:
        lookup = {"organisation_id": council.id, "name": team_name}
        teams[team_name], new = _get_or_add(Team, lookup)
        created["teams"] += new
    programmes = {}
    for code in data.PROGRAMMES:
        existed = db.session.scalar(select(Programme.id).where(
            Programme.organisation_id == council.id, Programme.code == code))
        programmes[code] = install_template(council, code)
        ensure_decision_codes(programmes[code])
        created["programmes"] += existed is None
    cohorts = {}
    for cohort_name, code, start, route in data.COHORTS:
        cohorts[cohort_name], new = _get_or_add(
            Cohort, {"organisation_id": council.id, "name": cohort_name},
            programme_id=programmes[code].id, start_date=start, entry_route=route.value,
        )
        created["cohorts"] += new
    password_hash = hash_password(data.DEMO_PASSWORD)
    people = {}
    for person_name, local, roles, team_name in data.PEOPLE:
        user, new = _get_or_add(
            User, {"email": data.email_for(local)},
            organisation_id=council.id, name=person_name, password_hash=password_hash,
            team_id=teams[team_name].id if team_name else None, active=True,
        )
        if new:
            user.role_grants = [UserRole(role=r.value) for r in sorted(roles)]
        people[local] = user
        created["users"] += new
    for local, cohort_name, joined in data.MEMBERSHIPS:
        membership, new = _get_or_add(
            CohortMembership,
            {"cohort_id": cohorts[cohort_name].id, "candidate_id": people[local].id},
            joined_on=joined,
        )
        enrol(None, membership)
        created["memberships"] += new
    for local, qualified_on, number, registered_on in data.REGISTRATIONS:
        _registration, new = _get_or_add(
            ProfessionalRegistration, {"candidate_id": people[local].id},
            organisation_id=council.id, qualified_on=qualified_on, swe_number=number,
            asye_registered_on=registered_on)
        created["registrations"] = created.get("registrations", 0) + new
    created["past candidates"] = seed_retention(council.id, data.email_for, password_hash)
    created["partnerships"] = int(seed_partnership(council, people["admin"], password_hash))
    created["assignments"] = _assign(people)
    created["demo portfolios"] = int(seed_demo_portfolio(people["candidate"]))
    created["demo panels"] = int(seed_demo_panel(people))
    created["demo concerns"] = int(seed_demo_concern(people["tom.fletcher"],
                                                     people["david.mensah"]))
    db.session.flush()
    return created
