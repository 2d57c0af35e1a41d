"""Fixtures for panel tests: a council with a chair, members, and portfolios that have a
signed-off final recommendation, ready for an agenda."""

from datetime import date, timedelta

import pytest

from portal.accounts.models import User
from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import agenda, attendance, decisions
from portal.panels import operations as panels
from portal.portfolios import operations
from tests import factories
from tests.conftest import sign_in
from tests.portfolios.conftest import make_portfolio


def ready_for_panel(org, lead, assessor, recommendation: str = "pass",
                    attached_to: str | None = None):
    """A portfolio submitted for the panel with a signed-off final report; with
    `attached_to`, it holds a piece of evidence of that title with a file attached."""
    candidate = factories.user(org, roles=["candidate"])
    portfolio = make_portfolio(org, candidate=candidate, start=date(2025, 9, 1))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2025, 9, 1))
    if attached_to:
        entry = factories.evidence_entry(candidate, title=attached_to)
        factories.attachment(entry)
        operations.include_entry(candidate, portfolio, entry, None)
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


def client_for(app, user):
    """A fresh client signed in as `user`."""
    client = app.test_client()
    sign_in(client, user)
    return client


def approval(item) -> decisions.DecisionDetails:
    """A plain approval of the item, naming two of its PCF domains."""
    return decisions.DecisionDetails(
        code="approved", rationale="Good.",
        domain_ids=[d.id for d in reports.pcf_domains(item.portfolio)[:2]])


def new_panel(council, programme_id: int, sits_on: date | None = None, **changes):
    """A panel of the council's chair and members considering one programme, sitting today
    unless `sits_on` says otherwise."""
    details = panels.PanelDetails(
        title="ASYE panel, January", sits_on=sits_on or today_in_england(),
        chair_id=council["chair"].id, member_ids=[m.id for m in council["members"]],
        programme_ids=[programme_id])
    for name, value in changes.items():
        setattr(details, name, value)
    return panels.create_panel(council["lead"], details)


def everyone_present(panel, on: date | None = None) -> None:
    """The chair records every member as present, on the panel's day (`on`, or today)."""
    attendance.record_attendance(db.session.get(User, panel.chair_id), panel,
                                 {m.user_id for m in panel.members}, on or today_in_england())


@pytest.fixture
def panel_with_item(council):
    """A panel sitting today with one portfolio on its agenda and everyone present, so the
    chair can decide; returns (panel, item)."""
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    everyone_present(panel)
    db.session.commit()
    return panel, item


@pytest.fixture
def upcoming_panel_with_item(council):
    """A panel sitting in a month, one portfolio on its agenda, no attendance yet."""
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id,
                      sits_on=today_in_england() + timedelta(days=30))
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    db.session.commit()
    return panel, item
