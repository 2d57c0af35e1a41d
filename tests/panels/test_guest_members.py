"""Guest panel members from a teaching partnership: a council's panel may seat panel
members of the councils it shares its panel membership with, who then read what the
panel reads, and only while the grant is in force."""

from datetime import timedelta

import pytest

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import agenda, attendance
from portal.panels.errors import PanelError
from portal.partnerships import operations as partnerships
from portal.partnerships.models import SharedPurpose
from tests import factories
from tests.packs.conftest import client_for
from tests.panels.conftest import new_panel, ready_for_panel


@pytest.fixture
def host(org):
    people = {"org": org, "lead": factories.user(org, roles=["programme_lead"]),
              "administrator": factories.user(org, roles=["administrator"]),
              "chair": factories.user(org, roles=["panel_chair", "panel_member"]),
              "members": [factories.user(org, roles=["panel_member"])],
              "assessor": factories.user(org, roles=["assessor"])}
    db.session.commit()
    return people


@pytest.fixture
def guest(host):
    """A panel member of a partnership council."""
    other = factories.organisation("Eastvale Council")
    member = factories.user(other, roles=["panel_member"], name="Priya Nair")
    partnership = partnerships.create_partnership(None, "Coast", [host["org"].id, other.id])
    db.session.commit()
    return {"user": member, "partnership": partnership}


def _grant(host, guest):
    today = today_in_england()
    grant = partnerships.give_grant(
        host["administrator"], guest["partnership"], partnerships.GrantDetails(
            guest["user"].organisation_id, SharedPurpose.PANEL_MEMBERSHIP, today,
            today + timedelta(days=30)), today)
    db.session.commit()
    return grant


def _panel_with_guest(host, guest):
    portfolio = ready_for_panel(host["org"], host["lead"], host["assessor"])
    panel = new_panel(host, portfolio.programme_id,
                      member_ids=[host["members"][0].id, guest["user"].id])
    item = agenda.place_on_agenda(host["lead"], panel, portfolio)
    db.session.commit()
    return panel, item


def test_a_guest_sits_only_when_the_council_shares_its_panel_membership(app, host, guest):
    with pytest.raises(PanelError, match="from your organisation"):
        _panel_with_guest(host, guest)
    db.session.rollback()
    lead = client_for(app, host["lead"])
    assert "Priya Nair" not in lead.get("/panels/new").text
    _grant(host, guest)
    assert "Priya Nair (Eastvale Council)" in lead.get("/panels/new").text
    panel, _item = _panel_with_guest(host, guest)
    assert panel.has_member(guest["user"].id)


def test_the_guest_reads_the_panel_until_the_grant_is_withdrawn(app, host, guest):
    grant = _grant(host, guest)
    panel, item = _panel_with_guest(host, guest)
    visitor = client_for(app, guest["user"])
    assert panel.title in visitor.get("/panels/mine").text
    assert visitor.get(f"/panels/{panel.id}").status_code == 200
    assert visitor.get(f"/panels/{panel.id}/items/{item.id}").status_code == 200
    # The portfolio itself, outside the panel, stays closed to the guest.
    assert visitor.get(f"/portfolios/{item.portfolio_id}").status_code == 404
    partnerships.withdraw_grant(host["administrator"], grant)
    db.session.commit()
    assert panel.title not in visitor.get("/panels/mine").text
    assert visitor.get(f"/panels/{panel.id}").status_code == 404
    assert visitor.get(f"/panels/{panel.id}/items/{item.id}").status_code == 404


def test_a_guest_whose_grant_ended_neither_sits_nor_counts(app, host, guest):
    grant = _grant(host, guest)
    panel, item = _panel_with_guest(host, guest)
    everyone = {m.user_id for m in panel.members}
    attendance.record_attendance(host["chair"], panel, everyone, today_in_england())
    db.session.commit()
    assert attendance.item_quorum(item).sitting == 3
    partnerships.withdraw_grant(host["administrator"], grant)
    db.session.commit()
    assert attendance.item_quorum(item).sitting == 2  # the guest no longer counts
    assert guest["user"].id not in attendance.seated_member_ids(panel, today_in_england())
    with pytest.raises(PanelError, match="Choose members of this panel"):
        attendance.record_attendance(host["chair"], panel, everyone, today_in_england())
    chair = client_for(app, host["chair"])
    assert "Priya Nair" not in chair.get(f"/panels/{panel.id}/attendance").text
