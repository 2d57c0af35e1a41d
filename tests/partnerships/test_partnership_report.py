"""The partnership report: outcomes added up by council, only from councils that share
their partnership reports with the reader's council, with small counts hidden."""

from datetime import timedelta

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import EntryRoute
from portal.partnerships import operations
from portal.partnerships.models import SharedPurpose
from tests import factories
from tests.conftest import page, sign_in
from tests.moderation.conftest import decided_item
from tests.partnerships.conftest import share
from tests.reports.conftest import cohort_of, left

REPORTS = SharedPurpose.PARTNERSHIP_REPORTS


def _council(member) -> dict:
    org = member.org
    return {"org": org, "lead": member.lead,
            "chair": factories.user(org, roles=["panel_chair", "panel_member"]),
            "members": [factories.user(org, roles=["panel_member"]) for _ in range(2)],
            "assessor": factories.user(org, roles=["assessor"])}


def _decide(member, count: int) -> None:
    council = _council(member)
    for _ in range(count):
        decided_item(council)
    db.session.commit()


def _rows(response) -> dict[str, list[str]]:
    table = page(response).select_one("#partnership-table ~ * table, table")
    return {row.select_one("th").get_text(strip=True):
            [cell.get_text(strip=True) for cell in row.select("td")]
            for row in table.select("tbody tr")}


def test_a_sharing_councils_outcomes_are_added_and_small_counts_hidden(
        client, members, partnership):
    north, east, west = members["Northshire"], members["Eastvale"], members["Westmoor"]
    _decide(north, 5)
    _decide(east, 2)
    _decide(west, 6)
    share(east, north, partnership, REPORTS)
    sign_in(client, north.lead)
    response = client.get(f"/partnerships/{partnership.id}/report")
    assert response.status_code == 200
    rows = _rows(response)
    assert rows["Northshire Council"][:2] == ["5", "5"]
    assert rows["Eastvale Council"][:2] == ["fewer than 5", "fewer than 5"]
    # The total would give Eastvale's count away.
    assert rows["All these councils"][:2] == ["not shown", "not shown"]
    # Westmoor shares nothing with Northshire: not a figure of it, only its name as "not
    # added in".
    assert "Westmoor Council" not in rows
    text = page(response).get_text()
    assert "Not added in" in text and "Westmoor Council" in text
    download = client.get(f"/partnerships/{partnership.id}/outcomes.csv")
    assert download.status_code == 200
    assert "fewer than 5" in download.get_data(as_text=True)
    assert "Westmoor" not in download.get_data(as_text=True)


def test_a_council_stops_being_added_in_when_its_grant_ends(client, members, partnership):
    north, west = members["Northshire"], members["Westmoor"]
    _decide(west, 6)
    grant = share(west, north, partnership, REPORTS)
    sign_in(client, north.administrator)
    url = f"/partnerships/{partnership.id}/report"
    assert _rows(client.get(url))["Westmoor Council"][:2] == ["6", "6"]
    operations.withdraw_grant(west.administrator, grant)
    db.session.commit()
    assert "Westmoor Council" not in _rows(client.get(url))
    ended = share(west, north, partnership, REPORTS)
    ended.starts_on, ended.ends_on = (ended.starts_on - timedelta(days=10),
                                      ended.starts_on - timedelta(days=1))
    db.session.commit()
    assert "Westmoor Council" not in _rows(client.get(url))


def test_an_edited_period_is_a_clear_error(client, members, partnership):
    sign_in(client, members["Northshire"].lead)
    response = client.get(f"/partnerships/{partnership.id}/report?period=1999-00")
    assert response.status_code == 400
    assert page(response).select_one(".govuk-error-summary") is not None


def test_the_number_decided_is_hidden_beside_a_hidden_outcome(client, members, partnership):
    north, east = members["Northshire"], members["Eastvale"]
    council = _council(east)
    for code in ("approved",) * 5 + ("deferred",) * 2:
        decided_item(council, code)
    db.session.commit()
    share(east, north, partnership, REPORTS)
    sign_in(client, north.lead)
    rows = _rows(client.get(f"/partnerships/{partnership.id}/report"))
    # 7 decided beside 5 approved would give the 2 deferrals away.
    decided, approved, _with_actions, deferred = rows["Eastvale Council"][:4]
    assert (approved, deferred) == ("5", "fewer than 5")
    assert decided == "fewer than 5"
    assert rows["All these councils"][0] == "not shown"


def test_retention_is_added_up_by_council_with_small_counts_hidden(client, members,
                                                                   partnership):
    north, east, west = members["Northshire"], members["Eastvale"], members["Westmoor"]
    two_years_ago = today_in_england() - timedelta(days=2 * 366)
    _cohort, northerners = cohort_of(north.org, 6, two_years_ago, EntryRoute.UNIVERSITY)
    left(northerners[0], two_years_ago + timedelta(days=100))  # before 12 months
    cohort_of(east.org, 3, two_years_ago, EntryRoute.FRONTLINE)
    cohort_of(west.org, 7, two_years_ago, EntryRoute.STEP_UP)
    db.session.commit()
    share(east, north, partnership, REPORTS)
    sign_in(client, north.lead)
    response = client.get(f"/partnerships/{partnership.id}/report")
    table = page(response).select("table")[1]
    rows = {row.select_one("th").get_text(strip=True):
            [cell.get_text(strip=True) for cell in row.select("td")]
            for row in table.select("tbody tr")}
    # One of six left: the count in post would say so, so it is not shown.
    assert rows["Northshire Council"] == ["6", "not shown", "not shown"]
    assert rows["Eastvale Council"] == ["fewer than 5", "fewer than 5", "fewer than 5"]
    assert rows["All these councils"] == ["not shown", "not shown", "not shown"]
    assert "Westmoor Council" not in rows
    links = {a["href"].split("?")[0] for a in page(response).select("a[download]")}
    assert links == {f"/partnerships/{partnership.id}/outcomes.csv",
                     f"/partnerships/{partnership.id}/retention.csv"}
    download = client.get(f"/partnerships/{partnership.id}/retention.csv")
    assert download.status_code == 200
    assert "Northshire Council,6,not shown,not shown" in download.get_data(as_text=True)
    assert "Westmoor" not in download.get_data(as_text=True)


def test_in_post_is_shown_where_nobody_or_enough_people_left(client, members, partnership):
    north = members["Northshire"]
    two_years_ago = today_in_england() - timedelta(days=2 * 366)
    _cohort, stayers = cohort_of(north.org, 12, two_years_ago, EntryRoute.UNIVERSITY)
    for person in stayers[:5]:
        left(person, two_years_ago + timedelta(days=100))
    db.session.commit()
    sign_in(client, north.lead)
    table = page(client.get(f"/partnerships/{partnership.id}/report")).select("table")[1]
    rows = {row.select_one("th").get_text(strip=True):
            [cell.get_text(strip=True) for cell in row.select("td")]
            for row in table.select("tbody tr")}
    assert rows["Northshire Council"] == ["12", "7", "58.3%"]
    assert rows["All these councils"] == ["12", "7", "58.3%"]
