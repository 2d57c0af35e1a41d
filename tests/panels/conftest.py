"""Fixtures for panel tests: a council with a chair, members, and portfolios that have a
signed-off final recommendation, ready for an agenda."""

from datetime import date

import pytest

from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.panels import operations as panels
from portal.portfolios import operations
from tests import factories
from tests.portfolios.conftest import make_portfolio


def ready_for_panel(org, lead, assessor, recommendation: str = "pass"):
    """A portfolio submitted for the panel with a signed-off final report."""
    candidate = factories.user(org, roles=["candidate"])
    portfolio = make_portfolio(org, candidate=candidate, start=date(2025, 9, 1))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2025, 9, 1))
    operations.submit_for_panel(candidate, portfolio, [])
    report = reports.start_assessment(assessor, portfolio)
    domains = reports.pcf_domains(portfolio)
    reports.save_draft(assessor, report, reports.ReportContent(
        summary="Strong year.", ratings={d.id: ("on_track", "") for d in domains},
        holistic_assessment="Meets the ASYE level.", recommendation=recommendation))
    reports.sign_off(assessor, report)
    db.session.flush()
    return portfolio


@pytest.fixture
def council(org):
    lead = factories.user(org, roles=["programme_lead"], name="Grace Adeyemi")
    chair = factories.user(org, roles=["panel_chair", "panel_member"], name="Margaret Doyle")
    members = [factories.user(org, roles=["panel_member"], name=f"Member {n}")
               for n in range(2)]
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    return {"org": org, "lead": lead, "chair": chair, "members": members,
            "assessor": assessor}


@pytest.fixture
def panel_with_item(council):
    """A scheduled panel with one portfolio on its agenda; returns (panel, item)."""
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel, January", sits_on=date(2027, 1, 20),
        chair_id=council["chair"].id, member_ids=[m.id for m in council["members"]],
        programme_ids=[portfolio.programme_id]))
    item = panels.place_on_agenda(council["lead"], panel, portfolio)
    db.session.commit()
    return panel, item
