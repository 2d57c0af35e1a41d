"""The partnership pages: the service administrator's, a council administrator's sharing
and withdrawing, and what a programme lead may only read."""

from datetime import timedelta

from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.partnerships.models import GrantState, Partnership, PartnershipGrant, SharedPurpose
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.partnerships.conftest import share


def _form_key(client, url: str) -> str:
    return page(client.get(url)).select_one("input[name=form_key]")["value"]


def _date(name: str, day) -> dict:
    return {name: [str(day.day), str(day.month), str(day.year)]}


def test_a_service_administrator_adds_a_partnership_and_changes_its_councils(
        client, members):
    service = factories.user(members["Northshire"].org, roles=[Role.SERVICE_ADMINISTRATOR])
    sign_in(client, service)
    url = "/service/partnerships/new"
    assert_no_duplicate_ids(page(client.get(url)))
    ids = [str(m.org.id) for m in members.values()]
    refused = client.post(url, data={"name": "Coast", "council_ids": ids[:1],
                                     "form_key": _form_key(client, url)})
    assert refused.status_code == 400
    soup = page(refused)
    assert error_summary(soup) == ["Select at least two councils"]
    assert soup.select_one("input[name=name]")["value"] == "Coast"  # what was typed stays
    added = client.post(url, data={"name": "Coast", "council_ids": ids,
                                   "form_key": _form_key(client, url)})
    assert added.status_code == 303
    partnership = db.session.scalar(select(Partnership))
    assert {c.id for c in partnership.councils} == {m.org.id for m in members.values()}
    listing = client.get("/service/partnerships/").get_data(as_text=True)
    assert "Coast" in listing and "Westmoor Council" in listing
    changed = client.post(f"/service/partnerships/{partnership.id}/councils",
                          data={"council_ids": ids[:2]})
    assert changed.status_code == 303
    db.session.expire_all()
    assert not partnership.has_council(members["Westmoor"].org.id)


def test_council_people_cannot_open_the_service_pages(client, members, partnership):
    sign_in(client, members["Northshire"].administrator)
    assert client.get("/service/partnerships/").status_code == 403
    assert client.post(f"/service/partnerships/{partnership.id}/councils",
                       data={"council_ids": []}).status_code == 403


def test_an_administrator_shares_with_another_council_and_withdraws_it(
        client, members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    sign_in(client, north.administrator)
    index = page(client.get("/partnerships/"))
    assert "Your council shares nothing in this partnership." in index.get_text()
    url = f"/partnerships/{partnership.id}/grants/new"
    form = page(client.get(url))
    assert_no_duplicate_ids(form)
    # Only the other councils of the partnership are offered.
    offered = {i["value"] for i in form.select("input[name=receiving_organisation_id]")}
    assert offered == {str(east.org.id), str(members["Westmoor"].org.id)}
    today = today_in_england()
    data = {"receiving_organisation_id": str(east.org.id),
            "purpose": SharedPurpose.PARTNERSHIP_REPORTS.value,
            **_date("starts_on", today), **_date("ends_on", today - timedelta(days=1))}
    refused = client.post(url, data=data | {"form_key": _form_key(client, url)})
    assert refused.status_code == 400
    assert error_summary(page(refused)) == ["The last day must be on or after the first day"]
    data |= _date("ends_on", today + timedelta(days=30))
    assert client.post(url, data=data | {"form_key": _form_key(client, url)}).status_code == 303
    grant = db.session.scalar(select(PartnershipGrant))
    assert (grant.granting_organisation_id, grant.receiving_organisation_id) == (
        north.org.id, east.org.id)
    shown = page(client.get("/partnerships/")).get_text()
    assert "Eastvale Council" in shown and "In force" in shown
    withdraw = f"/partnerships/{partnership.id}/grants/{grant.id}/withdraw"
    confirm = page(client.get(withdraw))
    assert "Stop sharing partnership reports with Eastvale Council?" in confirm.get_text()
    assert db.session.get(PartnershipGrant, grant.id).state == GrantState.GRANTED  # GET: no change
    assert client.post(withdraw).status_code == 303
    db.session.expire_all()
    assert db.session.get(PartnershipGrant, grant.id).state == GrantState.WITHDRAWN


def test_the_receiving_council_sees_the_grant_but_cannot_withdraw_it(
        client, members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    grant = share(north, east, partnership, SharedPurpose.EXTERNAL_MODERATION)
    sign_in(client, east.administrator)
    shown = page(client.get("/partnerships/"))
    assert "What other councils share with yours" in shown.get_text()
    assert not shown.select(f"a[href$='/grants/{grant.id}/withdraw']")
    assert client.get(f"/partnerships/{partnership.id}/grants/{grant.id}/withdraw"
                      ).status_code == 404


def test_a_lead_reads_the_partnerships_but_does_not_share(client, members, partnership):
    lead = members["Northshire"].lead
    sign_in(client, lead)
    shown = page(client.get("/partnerships/"))
    assert "North Coast Teaching Partnership" in shown.get_text()
    assert not shown.select(f"a[href='/partnerships/{partnership.id}/grants/new']")
    assert client.get(f"/partnerships/{partnership.id}/grants/new").status_code == 403


def test_a_council_outside_the_partnership_gets_not_found(client, partnership):
    outsider = factories.user(factories.organisation(), roles=["administrator"])
    sign_in(client, outsider)
    assert "not in a teaching partnership" in client.get("/partnerships/").get_data(as_text=True)
    assert client.get(f"/partnerships/{partnership.id}/grants/new").status_code == 404
    assert client.get(f"/partnerships/{partnership.id}/report").status_code == 404


def test_an_impossible_year_is_a_clear_error(client, members, partnership):
    sign_in(client, members["Northshire"].administrator)
    url = f"/partnerships/{partnership.id}/grants/new"
    response = client.post(url, data={
        "receiving_organisation_id": str(members["Eastvale"].org.id),
        "purpose": SharedPurpose.PARTNERSHIP_REPORTS.value,
        **_date("starts_on", today_in_england()),
        "ends_on": ["1", "1", "999999999999"], "form_key": _form_key(client, url)})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter a real date"]
