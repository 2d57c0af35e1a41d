"""The people around one candidate's review report: lead, assessor, line manager."""

from datetime import date

import pytest

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from tests import factories
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def people(org):
    lead = factories.user(org, roles=["programme_lead"])
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    manager = factories.user(org, roles=["line_manager"], name="Rachel Green")
    candidate = factories.user(org, roles=["candidate"], name="Amara Okafor")
    portfolio = make_portfolio(org, candidate=candidate, start=date(2026, 1, 5))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    assign(lead, candidate, manager, AssignmentRole.LINE_MANAGER, date(2026, 1, 5))
    return {"lead": lead, "assessor": assessor, "manager": manager, "candidate": candidate,
            "portfolio": portfolio}
