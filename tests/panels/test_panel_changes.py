"""Panels can be changed and cancelled, and a portfolio taken off an agenda with a reason
(it goes back to waiting for a panel); each leaves an audit row, and the database refuses
a cancellation or a removal without its reason."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import User
from portal.assessment.reports.operations import pcf_domains
from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.notifications.models import Notification
from portal.panels import agenda, decisions, operations
from portal.panels.errors import DecisionConflict, PanelError
from portal.panels.models import AgendaItem, Panel
from portal.portfolios.models import Portfolio
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.panels.conftest import new_panel


def _decide(council, item):
    """The chair approves the item (the panel sits today, everyone present)."""
    item = db.session.get(AgendaItem, item.id)
    decisions.record_decision(council["chair"], item, item.version, decisions.DecisionDetails(
        code="approved", rationale="Good.",
        domain_ids=[d.id for d in pcf_domains(item.portfolio)[:2]]), today_in_england())
    db.session.commit()


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _audited(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == action))


def _edit_form(panel, programme_id, members, **changes) -> dict:
    sits_on = changes.pop("sits_on", panel.sits_on)
    data = {"title": panel.title,
            "sits_on": [str(sits_on.day), str(sits_on.month), str(sits_on.year)],
            "programme_ids": [str(programme_id)], "chair_id": str(panel.chair_id),
            "member_ids": [str(m.id) for m in members], "min_members": str(panel.min_members)}
    data.update(changes)
    return data


def _portfolio_state(item) -> str:
    db.session.expire_all()
    return db.session.get(Portfolio, item.portfolio_id).state


# Editing ------------------------------------------------------------------------------------
def test_a_lead_changes_a_panel(app, council, panel_with_item):
    panel, item = panel_with_item
    newcomer = factories.user(council["org"], roles=["panel_member"], name="Nia Obi")
    db.session.commit()
    lead = _client(app, council["lead"])
    form = lead.get(f"/panels/{panel.id}/edit")
    assert form.status_code == 200
    soup = page(form)
    assert_no_duplicate_ids(soup)
    assert soup.select_one("#title")["value"] == panel.title
    later = today_in_england() + timedelta(days=7)
    response = lead.post(f"/panels/{panel.id}/edit", data=_edit_form(
        panel, item.portfolio.programme_id, [*council["members"], newcomer],
        title="ASYE panel, moved", sits_on=later))
    assert response.status_code == 303
    db.session.expire_all()
    panel = db.session.get(Panel, panel.id)
    assert (panel.title, panel.sits_on) == ("ASYE panel, moved", later)
    assert panel.has_member(newcomer.id)
    # A new date clears the attendance recorded for the old one.
    assert panel.attendance_recorded_at is None
    assert {m.present for m in panel.members} == {None}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "panel_updated"))
    assert set(event.details["fields"]) == {"title", "sits_on", "member_ids"}
    assert db.session.scalar(select(func.count(Notification.id)).where(
        Notification.recipient_id == newcomer.id)) == 1


def test_a_panel_that_has_decided_cannot_change(app, council, panel_with_item):
    panel, item = panel_with_item
    _decide(council, item)
    with pytest.raises(PanelError, match="recorded a decision"):
        operations.update_panel(council["lead"], panel, operations.PanelDetails(
            title="Changed", sits_on=panel.sits_on, chair_id=panel.chair_id,
            member_ids=[m.id for m in council["members"]],
            programme_ids=[item.portfolio.programme_id]))
    db.session.rollback()
    response = _client(app, council["lead"]).post(f"/panels/{panel.id}/edit", data=_edit_form(
        panel, item.portfolio.programme_id, council["members"], title="Changed"))
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "The panel has recorded a decision: its details can no longer be changed"]


def test_a_programme_with_portfolios_on_the_agenda_stays(council, panel_with_item):
    panel, _item = panel_with_item
    other = factories.programme(council["org"])
    with pytest.raises(PanelError, match="Take that programme's portfolios off"):
        operations.update_panel(council["lead"], panel, operations.PanelDetails(
            title=panel.title, sits_on=panel.sits_on, chair_id=panel.chair_id,
            member_ids=[m.id for m in council["members"]], programme_ids=[other.id]))


def test_another_councils_lead_cannot_change_or_cancel(app, council, panel_with_item):
    panel, _item = panel_with_item
    outsider = _client(app, factories.user(factories.organisation(), roles=["programme_lead"]))
    for url in (f"/panels/{panel.id}/edit", f"/panels/{panel.id}/cancel"):
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, data={"reason": "x"}).status_code == 404
    assert _client(app, council["chair"]).get(f"/panels/{panel.id}/edit").status_code == 403


# Cancelling ---------------------------------------------------------------------------------
def test_cancelling_a_panel_sends_its_portfolios_back(app, council, panel_with_item):
    panel, item = panel_with_item
    lead = _client(app, council["lead"])
    confirm = page(lead.get(f"/panels/{panel.id}/cancel"))
    assert "1 portfolio is on its agenda" in confirm.get_text(" ")
    empty = lead.post(f"/panels/{panel.id}/cancel", data={"reason": "  "})
    assert empty.status_code == 400
    assert error_summary(page(empty)) == ["Explain why the panel is cancelled"]
    done = lead.post(f"/panels/{panel.id}/cancel", data={"reason": "The chair is ill"})
    assert done.status_code == 303
    db.session.expire_all()
    panel = db.session.get(Panel, panel.id)
    assert panel.state.value == "cancelled" and panel.status == "closed"
    assert panel.cancellation_reason == "The chair is ill"
    removed = db.session.get(AgendaItem, item.id)
    assert (removed.state, removed.removal_reason) == ("removed", "The panel was cancelled.")
    assert _portfolio_state(item) == "under_assessment"
    assert _audited("panel_cancelled") == 1 and _audited("agenda_item_removed") == 1
    members_told = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.message.contains("has been cancelled")))
    assert members_told == 3
    # The portfolio can go to another panel; the cancelled one takes nothing more.
    shown = page(lead.get(f"/panels/{panel.id}/manage")).get_text(" ")
    assert "This panel was cancelled" in shown and "The chair is ill" in shown
    portfolio = db.session.get(Portfolio, item.portfolio_id)
    with pytest.raises(PanelError, match="cancelled"):
        agenda.place_on_agenda(council["lead"], panel, portfolio)
    later = new_panel(council, portfolio.programme_id)
    assert agenda.place_on_agenda(council["lead"], later, portfolio).state == "waiting"


def test_a_panel_that_has_decided_cannot_be_cancelled(council, panel_with_item):
    panel, item = panel_with_item
    _decide(council, item)
    with pytest.raises(PanelError, match="recorded a decision"):
        operations.cancel_panel(council["lead"], db.session.get(Panel, panel.id), "Oops")


def test_the_database_refuses_a_cancellation_without_its_reason(council, panel_with_item):
    panel, _item = panel_with_item
    with pytest.raises(IntegrityError):
        db.session.execute(update(Panel).where(Panel.id == panel.id).values(
            status="closed", cancelled_at=utcnow()))
    db.session.rollback()
    with pytest.raises(IntegrityError):  # cancelled, but still taking business
        db.session.execute(update(Panel).where(Panel.id == panel.id).values(
            cancelled_at=utcnow(), cancellation_reason="Ill"))
    db.session.rollback()


# Taking a portfolio off the agenda ----------------------------------------------------------
def test_a_portfolio_comes_off_the_agenda_with_a_reason(app, council, panel_with_item):
    panel, item = panel_with_item
    lead = _client(app, council["lead"])
    url = f"/panels/{panel.id}/agenda/{item.id}/remove"
    confirm = lead.get(url)
    assert confirm.status_code == 200
    empty = lead.post(url, data={"reason": ""})
    assert error_summary(page(empty)) == ["Explain why the portfolio is taken off the agenda"]
    done = lead.post(url, data={"reason": "The candidate is on sick leave"})
    assert done.status_code == 303
    db.session.expire_all()
    removed = db.session.get(AgendaItem, item.id)
    assert removed.state == "removed" and removed.removed_at is not None
    assert removed.removal_reason == "The candidate is on sick leave"
    assert _portfolio_state(item) == "under_assessment"
    assert _audited("agenda_item_removed") == 1 and _audited("portfolio_taken_off_panel") == 1
    manage = page(lead.get(f"/panels/{panel.id}/manage")).get_text(" ")
    assert "The candidate is on sick leave" in manage
    # Gone for members and the chair; ready for another agenda.
    assert _client(app, council["members"][0]).get(
        f"/panels/{panel.id}/items/{item.id}").status_code == 404
    assert _client(app, council["chair"]).get(
        f"/decisions/record/{panel.id}/{item.id}").status_code == 404
    assert item.portfolio_id in {p.id for p in agenda.eligible_portfolios(
        db.session.get(Panel, panel.id))}
    assert lead.get(url).status_code == 404  # it is no longer on the agenda


def test_a_decided_portfolio_stays_on_the_agenda(council, panel_with_item):
    _panel, item = panel_with_item
    _decide(council, item)
    with pytest.raises(PanelError, match="has not decided"):
        agenda.take_off_agenda(council["lead"], db.session.get(AgendaItem, item.id), "Oops")


def test_the_database_refuses_a_removal_without_its_reason(council, panel_with_item):
    _panel, item = panel_with_item
    with pytest.raises(IntegrityError):
        db.session.execute(update(AgendaItem).where(AgendaItem.id == item.id).values(
            state="removed"))
    db.session.rollback()
    with pytest.raises(IntegrityError):  # a reason on an item still waiting
        db.session.execute(update(AgendaItem).where(AgendaItem.id == item.id).values(
            removal_reason="x", removed_at=utcnow()))
    db.session.rollback()


def test_a_removal_racing_the_decision_leaves_one_outcome(app, council, panel_with_item):
    """The lead takes the portfolio off while the chair confirms the decision: the item's
    version lets one of them through; the portfolio is consistent either way."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite locks the file)")
    _panel, item = panel_with_item
    item_id, version = item.id, item.version
    chair_id, lead_id = council["chair"].id, council["lead"].id
    domain_ids = [d.id for d in pcf_domains(item.portfolio)[:2]]
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def run(action):
        with app.app_context():
            agenda_item = db.session.get(AgendaItem, item_id)
            chair, lead = db.session.get(User, chair_id), db.session.get(User, lead_id)
            agenda_item.panel.members  # noqa: B018 (loaded before the race)
            barrier.wait()
            try:
                if action == "decide":
                    decisions.record_decision(chair, agenda_item, version,
                                              decisions.DecisionDetails(
                                                  code="approved", rationale="r",
                                                  domain_ids=domain_ids), today_in_england())
                else:
                    agenda.take_off_agenda(lead, agenda_item, "Withdrawn")
                db.session.commit()
                outcomes.append(action)
            except (DecisionConflict, IntegrityError, StaleDataError, PanelError):
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(a,)) for a in ("decide", "remove")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) in (["decide", "refused"], ["refused", "remove"])
    db.session.expire_all()
    final = db.session.get(AgendaItem, item_id)
    expected = {"decided": "decided", "removed": "under_assessment"}[final.state]
    assert db.session.get(Portfolio, final.portfolio_id).state == expected
