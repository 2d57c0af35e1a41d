"""A council with cohorts of different entry routes and ages, some people who left, and a
programme lead signed in."""

from datetime import date

import pytest

from portal.organisations.models import EntryRoute
from portal.reports.models import LeavingRecord
from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def lead(client, org):
    user = factories.user(org, roles=["programme_lead"], name="Grace Adeyemi")
    sign_in(client, user)
    return user


def left(person, on: date, reason: str = "resignation") -> LeavingRecord:
    from portal.core.db import db

    record = LeavingRecord(organisation_id=person.organisation_id, candidate_id=person.id,
                           left_on=on, reason=reason)
    db.session.add(record)
    db.session.flush()
    return record


def cohort_of(org, size: int, start: date, route: EntryRoute, name: str | None = None,
              team=None):
    """A cohort with `size` members who joined on its first day; returns (cohort, people)."""
    cohort = factories.cohort(org, start=start, route=route, name=name)
    people = [factories.user(org, team_id=team.id if team else None) for _ in range(size)]
    for person in people:
        factories.membership(cohort, person, joined=start)
    return cohort, people
