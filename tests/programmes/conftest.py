"""Fixtures for building programmes: the shipped frameworks loaded, a lead signed in."""

import pytest

from portal.core.db import db
from portal.frameworks.queries import load_shipped_frameworks
from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def frameworks():
    loaded = load_shipped_frameworks()
    db.session.commit()
    return loaded


@pytest.fixture
def lead(client, org, frameworks):
    user = factories.user(org, roles=["programme_lead"])
    sign_in(client, user)
    return user
