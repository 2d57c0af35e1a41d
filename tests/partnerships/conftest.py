"""Fixtures for partnerships: three councils, each with an administrator and a lead, in
one partnership that shares nothing yet."""

from dataclasses import dataclass
from datetime import timedelta

import pytest

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.partnerships import operations
from portal.partnerships.models import SharedPurpose
from tests import factories


@dataclass
class Member:
    org: object
    administrator: object
    lead: object


@pytest.fixture
def members() -> dict[str, Member]:
    built = {}
    for name in ("Northshire", "Eastvale", "Westmoor"):
        org = factories.organisation(f"{name} Council")
        built[name] = Member(org, factories.user(org, roles=["administrator"]),
                             factories.user(org, roles=["programme_lead"]))
    db.session.commit()
    return built


@pytest.fixture
def partnership(members):
    made = operations.create_partnership(
        None, "North Coast Teaching Partnership", [m.org.id for m in members.values()])
    db.session.commit()
    return made


def share(giver: Member, receiver: Member, partnership, purpose: SharedPurpose,
          days_from: int = 0, days_to: int = 90):
    today = today_in_england()
    grant = operations.give_grant(giver.administrator, partnership, operations.GrantDetails(
        receiver.org.id, purpose, today + timedelta(days=days_from),
        today + timedelta(days=days_to)), today)
    db.session.commit()
    return grant
