"""Fixtures for the evidence tests."""

import pytest

from portal.core.db import db
from tests import factories
from tests.conftest import sign_in
from tests.evidence.uploads import make_entry


@pytest.fixture
def candidate(client, org):
    """A signed-in candidate whose programme uses a five-element framework
    (available as `candidate.test_framework`)."""
    user, fw = factories.candidate_with_framework(org, elements=5)
    sign_in(client, user)
    user.test_framework = fw
    return user


@pytest.fixture
def author(client, org):
    """A signed-in candidate."""
    user = factories.user(org)
    sign_in(client, user)
    return user


@pytest.fixture
def entry(author):
    """An evidence entry of `author`'s, committed."""
    entry = make_entry(author)
    db.session.commit()
    return entry
