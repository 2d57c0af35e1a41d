"""The retention report: who counts at 12, 24 and 36 months, by entry route and cohort,
filtered from the address, drawn as a chart whose table holds the same numbers, in a
bounded number of statements."""

from collections import namedtuple
from datetime import date

import pytest

from portal.core.db import db
from portal.organisations.models import EntryRoute
from portal.reports.retention import add_months, retention_report
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page, sign_in
from tests.reports.conftest import cohort_of, left

Row = namedtuple("Row", "cohort_id cohort_name entry_route cohort_start joined_on left_on")
TODAY = date(2026, 12, 3)


def test_add_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(date(2024, 9, 2), 12) == date(2025, 9, 2)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


def test_only_milestones_that_have_passed_count():
    rows = [
        Row(1, "2023", "step_up", date(2023, 9, 4), date(2023, 9, 4), None),
        Row(1, "2023", "step_up", date(2023, 9, 4), date(2023, 9, 4), date(2024, 9, 3)),
        Row(1, "2023", "step_up", date(2023, 9, 4), date(2023, 9, 4), date(2025, 1, 10)),
        # Joined late: starts on the day they joined, so 36 months have not passed.
        Row(1, "2023", "step_up", date(2023, 9, 4), date(2024, 1, 8), None),
        Row(2, "2026", "university", date(2026, 9, 7), date(2026, 9, 7), None),
    ]
    report = retention_report(rows, TODAY)
    first, second = report.groups
    assert first.started == 4
    assert first.reached == {12: 4, 24: 4, 36: 3}
    # Left the day before their first anniversary: gone at 12 months. Leaving on the
    # milestone itself still counts as in post on it.
    assert first.stayed == {12: 3, 24: 2, 36: 1}
    assert first.rate(12) == 75.0 and first.rate(36) == 33.3
    assert second.reached == {12: 0, 24: 0, 36: 0}
    assert second.rate(12) is None
    assert report.total.started == 5
    assert [route.entry_route_label for route in report.routes] == [
        "Step Up to Social Work", "University degree"]
    assert report.summary() == ("Of 4 social workers who started at least 12 months ago, "
                                "3 (75%) were still in post 12 months after starting.")


def test_leaving_on_the_anniversary_counts_as_in_post():
    row = Row(1, "c", "frontline", date(2024, 9, 2), None, date(2025, 9, 2))
    assert retention_report([row], TODAY).total.stayed[12] == 1


@pytest.fixture
def council(org):
    north = factories.team(org, "North")
    old, old_people = cohort_of(org, 4, date(2023, 9, 4), EntryRoute.STEP_UP,
                                "Step Up 2023", team=north)
    uni, uni_people = cohort_of(org, 3, date(2024, 9, 2), EntryRoute.UNIVERSITY,
                                "University 2024")
    left(old_people[0], date(2024, 6, 30))
    left(uni_people[0], date(2025, 5, 1), "dismissed")
    db.session.commit()
    return {"old": old, "uni": uni, "north": north}


def _chart_and_table(soup):
    """The chart's words beside each bar, and the table's cells, row by row."""
    chart = [text.get_text() for text in soup.select("#retention-chart text.portal-chart__value")]
    table = [row.select_one("td").get_text() for row in
             soup.select(".portal-chart-table tbody tr")]
    labels_chart = [text.get_text() for text in
                    soup.select("#retention-chart text:not(.portal-chart__value)")]
    labels_table = [row.select_one("th").get_text() for row in
                    soup.select(".portal-chart-table tbody tr")]
    return chart, table, labels_chart, labels_table


def test_the_lead_sees_retention_by_entry_route_with_the_charts_numbers_in_a_table(
        client, lead, council):
    response = client.get("/workforce/retention")
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    chart, table, labels_chart, labels_table = _chart_and_table(soup)
    assert chart == table == ["3 of 4 (75%)", "2 of 3 (67%)"]
    assert labels_chart == labels_table == ["Step Up to Social Work", "University degree"]
    assert soup.select_one("#retention-chart")["role"] == "img"
    assert soup.select_one("#retention-summary").get_text() == (
        "Of 7 social workers who started at least 12 months ago, 5 (71%) were still in "
        "post 12 months after starting.")
    cohorts = [row.select_one("td").get_text() for row in
               soup.select("#retention-table ~ div tbody tr, .portal-table-scroll tbody tr")]
    assert cohorts[:2] == ["Step Up 2023", "University 2024"]


def test_filtering_by_entry_route_in_the_address(client, lead, council):
    soup = page(client.get("/workforce/retention?entry_route=step_up"))
    chart, table, *_ = _chart_and_table(soup)
    assert chart == table == ["3 of 4 (75%)"]
    assert soup.select_one("#entry_route option[selected]")["value"] == "step_up"
    links = [a["href"] for a in soup.select("a[download]")]
    assert all("entry_route=step_up" in link for link in links)


@pytest.mark.parametrize(("query", "expected"), [
    ("team={north}", ["3 of 4 (75%)"]),
    ("cohort={uni}", ["2 of 3 (67%)"]),
    ("period=2024-25", ["2 of 3 (67%)"]),
    ("period=2026-27", []),
])
def test_the_other_filters(client, lead, council, query, expected):
    url = "/workforce/retention?" + query.format(north=council["north"].id,
                                                 uni=council["uni"].id)
    chart, table, *_ = _chart_and_table(page(client.get(url)))
    assert chart == table == expected


def test_a_filter_value_not_on_the_list_is_an_error_not_a_crash(client, lead, council):
    response = client.get("/workforce/retention?cohort=999999&entry_route=nowhere")
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Not a valid choice.", "Not a valid choice."]
    assert client.get("/workforce/retention.csv?team=abc").status_code == 400


def test_another_councils_cohorts_are_not_counted_or_offered(client, lead, council):
    elsewhere = factories.organisation()
    cohort_of(elsewhere, 2, date(2023, 9, 4), EntryRoute.FRONTLINE, "Elsewhere 2023")
    db.session.commit()
    soup = page(client.get("/workforce/retention"))
    assert "Elsewhere 2023" not in soup.get_text()
    assert "Frontline" not in [t.get_text() for t in soup.select("#retention-chart text")]


@pytest.mark.parametrize("role", ["candidate", "assessor", "line_manager", "panel_member",
                                  "panel_chair", "external_moderator"])
def test_only_leads_and_administrators_see_reports(client, org, role):
    sign_in(client, factories.user(org, roles=[role]))
    for url in ("/workforce/", "/workforce/retention", "/workforce/progression",
                "/workforce/support", "/workforce/retention.csv",
                "/workforce/progression.xlsx", "/workforce/support.csv"):
        assert client.get(url).status_code == 403, url


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get("/workforce/retention")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_administrators_see_reports_and_the_menu_links_to_them(client, org, council):
    sign_in(client, factories.user(org, roles=["administrator"]))
    soup = page(client.get("/workforce/retention"))
    assert soup.select_one(".govuk-service-navigation__item--active a").get_text(
        strip=True) == "Reports"


def test_the_page_costs_the_same_statements_for_few_or_many(client, lead, org):
    def statements() -> int:
        with count_queries() as seen:
            assert client.get("/workforce/retention?entry_route=step_up").status_code == 200
        return len(seen)

    cohort_of(org, 2, date(2023, 9, 4), EntryRoute.STEP_UP)
    db.session.commit()
    few = statements()
    for year in (2022, 2024):
        _cohort, people = cohort_of(org, 20, date(year, 9, 5), EntryRoute.STEP_UP)
        for person in people[:5]:
            left(person, date(year + 1, 9, 1))
    db.session.commit()
    assert statements() == few <= 10
