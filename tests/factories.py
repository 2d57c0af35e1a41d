"""Small factories for the objects most tests need. Each flushes, none commits."""

import itertools
from datetime import date

from portal.accounts.models import User, UserRole
from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, EntryRoute, Organisation, Team
from portal.programmes.models import Programme

PASSWORD = "correct horse battery"
_counter = itertools.count(1)
_password_hash_cache: dict[str, str] = {}


def _hash(password: str) -> str:
    # argon2 is deliberately slow; hash each test password once per run.
    if password not in _password_hash_cache:
        _password_hash_cache[password] = hash_password(password)
    return _password_hash_cache[password]


def organisation(name: str | None = None) -> Organisation:
    n = next(_counter)
    org = Organisation(name=name or f"Council {n}", short_name=f"C{n}")
    db.session.add(org)
    db.session.flush()
    return org


def team(org: Organisation, name: str | None = None) -> Team:
    t = Team(organisation_id=org.id, name=name or f"Team {next(_counter)}")
    db.session.add(t)
    db.session.flush()
    return t


def programme(org: Organisation, code: str | None = None) -> Programme:
    n = next(_counter)
    p = Programme(organisation_id=org.id, code=code or f"prog-{n}", name=f"Programme {n}")
    db.session.add(p)
    db.session.flush()
    return p


def user(org: Organisation | None = None, roles=(Role.CANDIDATE,), name: str | None = None,
         email: str | None = None, password: str = PASSWORD, active: bool = True,
         team_id: int | None = None) -> User:
    n = next(_counter)
    org = org or organisation()
    u = User(
        organisation_id=org.id,
        name=name or f"Person {n}",
        email=email or f"person{n}@example.org",
        password_hash=_hash(password),
        active=active,
        team_id=team_id,
    )
    u.role_grants = [UserRole(role=Role(r).value) for r in roles]
    db.session.add(u)
    db.session.flush()
    return u


def cohort(org: Organisation, prog: Programme | None = None, name: str | None = None,
           start: date = date(2026, 9, 7), route: EntryRoute = EntryRoute.UNIVERSITY) -> Cohort:
    c = Cohort(
        organisation_id=org.id,
        programme_id=(prog or programme(org)).id,
        name=name or f"Cohort {next(_counter)}",
        start_date=start,
        entry_route=route.value,
    )
    db.session.add(c)
    db.session.flush()
    return c


def membership(c: Cohort, candidate: User, joined: date = date(2026, 9, 7)) -> CohortMembership:
    m = CohortMembership(cohort_id=c.id, candidate_id=candidate.id, joined_on=joined)
    db.session.add(m)
    db.session.flush()
    return m


def framework(code: str = "pcf", version: str | None = None, elements: int = 3,
              status: str = "active", title: str | None = None):
    """A framework with `elements` top-level elements coded 1..n."""
    from portal.frameworks.models import Framework, FrameworkElement

    f = Framework(code=code, version=version or f"v{next(_counter)}",
                  title=title or code.upper(), publisher="Test publisher", status=status)
    f.elements = [
        FrameworkElement(code=str(n), title=f"Element {n}", description="", position=n,
                         depth=0)
        for n in range(1, elements + 1)
    ]
    db.session.add(f)
    db.session.flush()
    return f


def candidate_with_framework(org: Organisation, elements: int = 3):
    """A candidate in a cohort whose programme uses one framework; returns (user, fw)."""
    prog = programme(org)
    fw = framework(elements=elements)
    prog.frameworks.append(fw)
    c = cohort(org, prog)
    candidate = user(org, roles=[Role.CANDIDATE])
    membership(c, candidate)
    return candidate, fw


def evidence_entry(candidate: User, title: str = "Home visit reflection",
                   occurred_on: date = date(2026, 10, 1), evidence_type: str = "other",
                   reflection: str = "", links=()):
    from portal.evidence.models import EvidenceEntry, EvidenceLink

    entry = EvidenceEntry(candidate_id=candidate.id, organisation_id=candidate.organisation_id,
                          title=title, occurred_on=occurred_on, evidence_type=evidence_type,
                          reflection=reflection)
    entry.links = [EvidenceLink(element_id=element.id, reason=reason)
                   for element, reason in links]
    db.session.add(entry)
    db.session.flush()
    return entry
