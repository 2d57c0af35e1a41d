"""Panel members' and chairs' home pages list their panels: upcoming soonest first, then
recent ones, each linking to its agenda, with their role and what is left to decide."""

from datetime import timedelta

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import operations
from tests import factories
from tests.conftest import page, sign_in
from tests.panels.conftest import new_panel


def _home(app, user):
    client = app.test_client()
    sign_in(client, user)
    return page(client.get("/home")).select_one("section[aria-labelledby=your-panels]")


def test_a_member_sees_their_upcoming_and_recent_panels(app, council, panel_with_item):
    today_panel, item = panel_with_item
    programme_id = item.portfolio.programme_id
    later = new_panel(council, programme_id, sits_on=today_in_england() + timedelta(days=20),
                      title="ASYE panel, later")
    past = new_panel(council, programme_id, sits_on=today_in_england() - timedelta(days=30),
                     title="ASYE panel, last month")
    db.session.commit()
    section = _home(app, council["members"][0])
    upcoming, recent = section.select("ul.govuk-list")[:2]
    assert [a.get_text() for a in upcoming.select("a")] == [today_panel.title, later.title]
    assert upcoming.select_one("a")["href"] == f"/panels/{today_panel.id}"
    assert "Member · 1 to decide" in upcoming.get_text(" ")
    assert [a.get_text() for a in recent.select("a")] == [past.title]
    assert section.find("a", string="All your panels")["href"] == "/panels/mine"
    assert "not on any panel" not in section.get_text()

    chair = _home(app, council["chair"])
    assert "You chair it · 1 to decide" in chair.get_text(" ")


def test_a_cancelled_panel_says_so(app, council, panel_with_item):
    panel, _item = panel_with_item
    operations.cancel_panel(council["lead"], panel, "The chair is ill")
    db.session.commit()
    assert "Cancelled" in _home(app, council["members"][0]).get_text(" ")


def test_a_member_on_no_panel_is_told_so(app, org):
    section = _home(app, factories.user(org, roles=["panel_member"]))
    assert "You are not on any panel yet" in section.get_text()


def test_another_councils_panels_are_not_listed(app, council, panel_with_item):
    panel, _item = panel_with_item
    stranger = factories.user(factories.organisation(), roles=["panel_member"])
    db.session.commit()
    assert panel.title not in _home(app, stranger).get_text()
