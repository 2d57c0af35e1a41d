"""Second review: numbers typed into the newest forms must give a 4xx, never a 500.

`str.isdigit()` is True for characters that `int()` refuses (superscripts such as '²',
circled digits...), so `if value.isdigit(): int(value)` raises ValueError: a 500.
A 30-digit number passes `isdigit()` and `int()` but overflows the database integer
when it is used to load a row.
"""

from datetime import date

import pytest

from portal.core.db import db
from portal.panels import operations as panels
from tests import factories
from tests.conftest import sign_in
from tests.panels.conftest import ready_for_panel
from tests.portfolios.conftest import make_portfolio

SUPERSCRIPT_TWO = "\u00b2"  # '²': isdigit() is True, int() raises ValueError
HUGE = "9" * 30


@pytest.fixture
def no_propagation(app):
    """Let the app turn exceptions into its 500 page, as in production."""
    app.testing, propagate = False, app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = propagate


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _domain_ids(item):
    from portal.assessment.reports import pcf_domains

    return [str(d.id) for d in pcf_domains(item.portfolio)[:2]]


@pytest.mark.parametrize("field", ["version", "domain_ids"])
def test_a_superscript_digit_in_the_decision_form_is_not_a_server_error(
        app, council, panel_with_item, no_propagation, field):
    """portal/panels/decision_views.py: `version.isdigit()` then `int(version)`, and
    `[int(v) for v in domain_ids if v.isdigit()]`."""
    _panel, item = panel_with_item
    data = {"version": str(item.version), "code": "approved", "rationale": "Good.",
            "domain_ids": _domain_ids(item)}
    data[field] = SUPERSCRIPT_TWO if field == "version" else [*data["domain_ids"],
                                                              SUPERSCRIPT_TWO]
    response = _client(app, council["chair"]).post(
        f"/decisions/record/{item.panel_id}/{item.id}", data=data)
    assert response.status_code < 500


def test_a_superscript_digit_in_a_correction_is_not_a_server_error(
        app, council, panel_with_item, no_propagation):
    _panel, item = panel_with_item
    decision = panels.record_decision(council["chair"], item, item.version, panels.DecisionDetails(
        code="approved", rationale="Good.",
        domain_ids=[int(i) for i in _domain_ids(item)]), date.today())
    db.session.commit()
    response = _client(app, council["lead"]).post(f"/decisions/{decision.id}/correct", data={
        "code": "not-approved", "rationale": "Wrong.", "reason": "Typo",
        "domain_ids": [*_domain_ids(item), SUPERSCRIPT_TWO]})
    assert response.status_code < 500


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, HUGE])
def test_a_strange_portfolio_id_on_the_agenda_form_is_not_a_server_error(
        app, council, no_propagation, value):
    """portal/panels/views.py add_to_agenda: isdigit() then db.session.get(int(...))."""
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel", sits_on=date(2027, 1, 20), chair_id=council["chair"].id,
        member_ids=[m.id for m in council["members"]], programme_ids=[portfolio.programme_id]))
    db.session.commit()
    response = _client(app, council["lead"]).post(f"/panels/{panel.id}/agenda",
                                                  data={"portfolio_id": value})
    assert response.status_code < 500


def test_a_superscript_digit_in_programme_settings_is_not_a_server_error(
        app, org, no_propagation):
    """portal/programmes/views.py _numbers: isdigit() then int()."""
    portfolio = make_portfolio(org)
    programme = portfolio.programme
    lead = factories.user(org, roles=["programme_lead"])
    db.session.commit()
    data = {f"component-{c.id}": str(c.min_count) for c in programme.components}
    data.update({f"review-{p.id}": str(p.due_month) for p in programme.review_points})
    first = programme.components[0]
    data[f"component-{first.id}"] = SUPERSCRIPT_TWO
    response = _client(app, lead).post(f"/programmes/{programme.id}", data=data)
    assert response.status_code < 500


def test_a_superscript_digit_for_protected_time_hours_is_not_a_server_error(
        app, org, no_propagation):
    """portal/portfolios/record_forms.py ProtectedTimeForm._whole_number."""
    portfolio = make_portfolio(org)
    db.session.commit()
    client = _client(app, portfolio.candidate)
    response = client.post(f"/portfolios/{portfolio.id}/records/protected-time/new", data={
        "taken_on": ["2", "2", "2026"],
        "hours": SUPERSCRIPT_TWO, "minutes": "0", "activity": "Reading"})
    assert response.status_code < 500
