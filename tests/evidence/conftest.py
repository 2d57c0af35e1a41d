"""Fixtures for the evidence tests."""

import pytest

from tests import factories
from tests.conftest import sign_in


@pytest.fixture
def candidate(client, org):
    """A signed-in candidate whose programme uses a five-element framework
    (available as `candidate.test_framework`)."""
    user, fw = factories.candidate_with_framework(org, elements=5)
    sign_in(client, user)
    user.test_framework = fw
    return user
