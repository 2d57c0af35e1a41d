"""Finding evidence: filters in the URL, htmx updates, pagination, bounded queries."""

from datetime import date

import pytest

from portal.core.db import db
from tests import factories
from tests.conftest import count_queries, error_summary, page


def _titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in page(response).select(".portal-entry h3 a")]


@pytest.fixture
def log(candidate):
    fw = candidate.test_framework
    factories.evidence_entry(candidate, "Supervision on risk", date(2026, 9, 10), "supervision",
                             "We discussed the chronology.", links=[(fw.elements[0], "r")])
    factories.evidence_entry(candidate, "Court report feedback", date(2026, 10, 2),
                             "written_work", "Feedback on analysis 50% better",
                             links=[(fw.elements[1], "r")])
    factories.evidence_entry(candidate, "Observation at a core group", date(2026, 10, 20),
                             "direct_observation", "Chairing the meeting.",
                             links=[(fw.elements[0], "r"), (fw.elements[1], "r")])
    db.session.commit()
    return fw


def test_newest_first_by_default(client, log):
    assert _titles(client.get("/evidence/")) == [
        "Observation at a core group", "Court report feedback", "Supervision on risk"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?type=supervision", ["Supervision on risk"]),
        ("?q=CHRONOLOGY", ["Supervision on risk"]),
        ("?q=report", ["Court report feedback"]),
        ("?q=50%25", ["Court report feedback"]),
        ("?q=_", []),
        ("?from=2026-10-01", ["Observation at a core group", "Court report feedback"]),
        ("?to=2026-10-01", ["Supervision on risk"]),
        ("?from=2026-10-01&to=2026-10-10", ["Court report feedback"]),
        ("?sort=oldest", ["Supervision on risk", "Court report feedback",
                          "Observation at a core group"]),
        ("?sort=title", ["Court report feedback", "Observation at a core group",
                         "Supervision on risk"]),
        ("?type=nonsense&sort=nonsense", ["Observation at a core group",
                                          "Court report feedback", "Supervision on risk"]),
    ],
)
def test_filters_and_sorts(client, log, query, expected):
    assert _titles(client.get("/evidence/" + query)) == expected


def test_filter_by_framework_element(client, log):
    response = client.get(f"/evidence/?element={log.elements[1].id}")
    assert _titles(response) == ["Observation at a core group", "Court report feedback"]


def test_filters_are_shown_back_in_the_form(client, log):
    soup = page(client.get("/evidence/?q=risk&type=supervision&from=2026-01-01"))
    assert soup.select_one("#q")["value"] == "risk"
    assert soup.select_one("#type option[selected]")["value"] == "supervision"
    assert soup.select_one("#from")["value"] == "2026-01-01"


def test_bad_dates_are_explained(client, log):
    response = client.get("/evidence/?from=2026-13-01&to=2026-01-01")
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter a real ‘from’ date"]
    response = client.get("/evidence/?from=2026-10-01&to=2026-09-01")
    assert error_summary(page(response)) == [
        "The ‘to’ date must be the same as or after the ‘from’ date"]


def test_htmx_filtering_returns_the_results_only(client, log):
    response = client.htmx_get("/evidence/?q=risk")
    body = response.get_data(as_text=True)
    assert "<html" not in body
    assert "Supervision on risk" in body and "Court report" not in body


def test_other_candidates_entries_never_appear(client, log, org):
    other = factories.user(org, roles=["candidate"])
    factories.evidence_entry(other, "Not my entry")
    db.session.commit()
    assert "Not my entry" not in client.get("/evidence/?q=entry").get_data(as_text=True)


def test_pagination_keeps_the_filters(app, client, candidate):
    for n in range(30):
        factories.evidence_entry(candidate, f"Entry {n:02d}", date(2026, 1, 1 + n % 28),
                                 "training")
    db.session.commit()
    soup = page(client.get("/evidence/?type=training&sort=title"))
    assert len(soup.select(".portal-entry")) == app.config["PAGE_SIZE"]
    next_link = soup.select_one(".govuk-pagination__next a")["href"]
    assert "type=training" in next_link and "sort=title" in next_link and "page=2" in next_link
    assert len(page(client.get(next_link)).select(".portal-entry")) == 30 - app.config[
        "PAGE_SIZE"]


def test_the_list_query_count_does_not_grow_with_the_log(client, candidate):
    fw = candidate.test_framework

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/evidence/?sort=newest").status_code == 200
        return len(statements)

    for n in range(3):
        factories.evidence_entry(candidate, f"Early {n}", links=[(fw.elements[0], "r")])
    db.session.commit()
    queries()  # the first request fills the per-process framework cache
    few = queries()
    for n in range(60):
        factories.evidence_entry(candidate, f"Later {n}",
                                 links=[(fw.elements[n % 4], "r"), (fw.elements[(n + 1) % 4], "s")])
    db.session.commit()
    assert queries() == few
    assert few <= 10


def test_coverage_shows_counts_latest_dates_and_gaps(client, log):
    soup = page(client.get("/evidence/coverage"))
    rows = {row.th.get_text(strip=True): [td.get_text(strip=True) for td in row.select("td")]
            for row in soup.select("tbody tr")}
    assert rows["PCF 1 Element 1"] == ["2", "20 October 2026"]
    assert rows["PCF 2 Element 2"] == ["2", "20 October 2026"]
    assert rows["PCF 3 Element 3"] == ["None yet", ""]


def test_coverage_query_count_is_bounded(client, candidate):
    fw = candidate.test_framework
    client.get("/evidence/coverage")  # fills the per-process framework cache
    with count_queries() as before:
        client.get("/evidence/coverage")
    for n in range(40):
        factories.evidence_entry(candidate, f"E {n}", links=[(fw.elements[n % 4], "r")])
    db.session.commit()
    with count_queries() as after:
        client.get("/evidence/coverage")
    assert len(after) == len(before)


@pytest.mark.parametrize(("query", "status"), [
    ("", "3 entries"),
    ("?type=supervision", "1 of 3 entries match"),
    ("?q=chair", "1 of 3 entries match"),
    ("?type=reading", "0 of 3 entries match"),
])
def test_the_count_says_how_many_match_of_all(client, log, query, status):
    text = page(client.get(f"/evidence/{query}")).select_one("[role=status]").get_text(" ",
                                                                                       strip=True)
    assert text == status


def test_a_filtered_page_is_no_more_queries_than_an_unfiltered_one(client, log):
    client.get("/evidence/")  # framework elements are cached per process after this
    with count_queries() as unfiltered:
        client.get("/evidence/")
    with count_queries() as filtered:
        client.get("/evidence/?type=supervision")
    assert len(filtered) == len(unfiltered)


def test_each_entry_shows_its_elements_in_the_order_linked(client, candidate):
    fw = candidate.test_framework
    factories.evidence_entry(candidate, "Linked backwards",
                             links=[(fw.elements[2], "r"), (fw.elements[0], "s")])
    factories.evidence_entry(candidate, "Not linked")
    db.session.commit()
    entries = {item.select_one("h3").get_text(strip=True):
               [tag.get_text(strip=True) for tag in item.select(".govuk-tag--blue")]
               for item in page(client.get("/evidence/")).select(".portal-entry")}
    assert entries == {
        "Linked backwards": [f"PCF {e.code} {e.title}" for e in (fw.elements[2], fw.elements[0])],
        "Not linked": []}


def test_each_request_filters_by_its_own_values(client, log):
    assert _titles(client.get("/evidence/?q=chronology")) == ["Supervision on risk"]
    assert _titles(client.get("/evidence/?q=chairing")) == ["Observation at a core group"]
    assert _titles(client.get(f"/evidence/?element={log.elements[1].id}&sort=oldest")) == [
        "Court report feedback", "Observation at a core group"]
    assert _titles(client.get(f"/evidence/?element={log.elements[0].id}&sort=oldest")) == [
        "Supervision on risk", "Observation at a core group"]
