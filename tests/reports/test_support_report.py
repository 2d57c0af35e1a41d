"""The support report: supervision at the ASYE frequency, 10% protected time and a
confirmed workload reduction, counted to today (or the day someone left); who falls short."""

from datetime import UTC, date, datetime, timedelta

import pytest

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.portfolios.reviews.models import ReviewReport
from portal.reports.support import expected_protected_minutes, expected_supervisions
from tests import factories
from tests.conftest import count_queries, page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.reports.conftest import left
from tests.reports.spreadsheets import csv_rows

START = date(2026, 1, 5)


@pytest.mark.parametrize(("days", "due"), [
    (0, 0), (6, 0), (7, 1), (42, 6),          # weekly for the first 6 weeks
    (56, 7), (181, 15),                       # then fortnightly to 6 months (5 July)
    (211, 15), (212, 16), (365, 21), (900, 21),  # then monthly, to the end of the year
])
def test_supervision_due_at_the_asye_frequency(days, due):
    assert expected_supervisions(START, START + timedelta(days=days)) == due


def test_protected_time_due_is_a_tenth_of_a_full_time_week():
    assert expected_protected_minutes(START, START + timedelta(days=13)) == 222
    assert expected_protected_minutes(START, START + timedelta(days=700)) == 52 * 222


def _asye(org, start: date, name: str):
    candidate = factories.user(org, name=name)
    return make_portfolio(org, start=start, candidate=candidate)


def test_who_falls_short_and_why(client, org, lead):
    start = today_in_england() - timedelta(days=14)
    supported = _asye(org, start, "Ada Well-Supported")
    for day in (1, 8):
        factories.supervision(supported, held_on=start + timedelta(days=day))
    factories.protected_time(supported, taken_on=start + timedelta(days=2), minutes=500)
    short = _asye(org, start, "Ben Short")
    factories.supervision(short, held_on=start + timedelta(days=1))
    db.session.commit()
    soup = page(client.get("/workforce/support"))
    assert soup.select_one("#support-summary").get_text() == (
        "Of 2 ASYE portfolios, 1 (50%) falls short of the promised support so far.")
    chart = [t.get_text() for t in soup.select("#support-chart text.portal-chart__value")]
    table = [row.select_one("td").get_text() for row in
             soup.select(".portal-chart-table tbody tr")]
    # Two weeks in, no review has confirmed a workload reduction yet, and none is due.
    assert chart == table == ["1 of 2 (50%)", "1 of 2 (50%)", "0 of 2 (0%)"]
    gaps = [" ".join(row.get_text().split()) for row in
            soup.select("[aria-labelledby=support-gaps] tbody tr")]
    assert len(gaps) == 1
    assert gaps[0].startswith("Ben Short")
    assert "1 (2) Short" in gaps[0] and "0.0 (7.4) Short" in gaps[0]
    assert gaps[0].endswith("Not due yet")


def test_someone_who_left_is_held_to_what_was_due_while_there(client, org, lead):
    start = today_in_england() - timedelta(days=200)
    portfolio = _asye(org, start, "Cara Gone")
    factories.supervision(portfolio, held_on=start + timedelta(days=3))
    factories.protected_time(portfolio, taken_on=start + timedelta(days=3), minutes=300)
    left(portfolio.candidate, start + timedelta(days=10))
    db.session.commit()
    soup = page(client.get("/workforce/support"))
    assert soup.select_one("#support-summary").get_text().startswith(
        "Of 1 ASYE portfolio, 0 (0%)")


def test_the_download_and_the_statement_count(client, org, lead):
    start = today_in_england() - timedelta(days=30)

    def statements() -> int:
        with count_queries() as seen:
            assert client.get("/workforce/support").status_code == 200
        return len(seen)

    _asye(org, start, "First")
    db.session.commit()
    few = statements()
    for n in range(4):
        portfolio = _asye(org, start, f"Person {n}")
        factories.supervision(portfolio, held_on=start + timedelta(days=2))
    db.session.commit()
    assert statements() == few <= 10
    rows = csv_rows(client.get("/workforce/support.csv").data)
    assert rows[0] == ["Cohort", "ASYE portfolios", "Fewer supervisions than due",
                       "Less protected time than due", "No workload reduction confirmed"]
    assert rows[-1] == ["All cohorts", "5", "5", "5", "0"]
    board = csv_rows(client.get("/workforce/support.csv?board=1").data)
    assert board[1][1] == "fewer than 5"


def _review_confirmed(portfolio, workload_reduction: bool | None, days_ago: int) -> None:
    """A review report whose line manager gave their word on the workload reduction."""
    db.session.add(ReviewReport(
        portfolio_id=portfolio.id, review_point_code="three-month",
        workload_reduction_confirmed=workload_reduction,
        confirmed_at=datetime.now(UTC) - timedelta(days=days_ago)))
    db.session.flush()


def test_the_line_managers_latest_word_on_the_workload_reduction_stands(client, org, lead):
    start = today_in_england() - timedelta(days=130)  # past the 3-month review
    confirmed, withdrawn, denied, _silent = (
        _asye(org, start, name) for name in ("Confirmed", "Withdrawn", "Denied", "Silent"))
    _review_confirmed(confirmed, True, 30)
    _review_confirmed(withdrawn, True, 30)
    _review_confirmed(withdrawn, False, 2)
    _review_confirmed(denied, False, 30)
    db.session.commit()
    soup = page(client.get("/workforce/support"))
    workload = {row.select_one("th").get_text(): " ".join(row.select("td")[-1].get_text().split())
                for row in soup.select("[aria-labelledby=support-gaps] tbody tr")}
    assert workload == {"Withdrawn": "Line manager says not given Short",
                        "Denied": "Line manager says not given Short",
                        "Silent": "Not confirmed yet Short",
                        "Confirmed": "Confirmed"}


def test_an_administrator_sees_the_counts_but_not_the_names(client, org):
    start = today_in_england() - timedelta(days=30)
    _asye(org, start, "Dana Short")
    sign_in(client, factories.user(org, roles=["administrator"]))
    db.session.commit()
    soup = page(client.get("/workforce/support"))
    assert soup.select_one("#support-summary").get_text().startswith("Of 1 ASYE portfolio, 1")
    assert "Dana Short" not in soup.get_text()
    assert soup.select_one("[aria-labelledby=support-gaps]") is None
