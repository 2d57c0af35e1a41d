"""Every report downloads as CSV and XLSX with the page's numbers; text a spreadsheet
would run as a formula is made plain; a board's copy hides small counts (a setting)."""

from datetime import date

import pytest

from portal.core.db import db
from portal.organisations.models import EntryRoute
from portal.reports.downloads import as_csv, as_xlsx, for_board, neutralised
from portal.reports.tables import ReportTable
from tests.reports.conftest import cohort_of, left
from tests.reports.spreadsheets import csv_rows, xlsx_rows

DANGEROUS = "=HYPERLINK(\"http://example.org\",\"Click\")"


@pytest.mark.parametrize("text", ["=1+1", "+44 1234", "-2+3", "@SUM(A1)", "\tTab",
                                  "\rReturn", DANGEROUS])
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(text):
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("value", ["Cohort 2024", "a=b", "", 5, -3, 2.5, None])
def test_anything_else_is_left_alone(value):
    assert neutralised(value) == value


def _table() -> ReportTable:
    return ReportTable("Still in post", ["Cohort", "Started", "Stayed", "Rate"],
                       [["A", 4, 3, 75.0], ["B", 12, 0, 0.0], ["C", 5, 5, 100.0],
                        ["D", 0, 0, None]],
                       counts=frozenset({1, 2}), derived_from={3: (1, 2)})


def test_a_boards_copy_hides_counts_under_the_threshold_and_what_comes_from_them():
    rows = for_board(_table(), 5).rows
    assert rows == [["A", "fewer than 5", "fewer than 5", "fewer than 5"],
                    ["B", 12, 0, 0.0], ["C", 5, 5, 100.0], ["D", 0, 0, None]]
    assert _table().rows[0] == ["A", 4, 3, 75.0]  # the page's own copy is untouched


def test_a_total_row_hides_what_would_give_a_hidden_count_away():
    table = ReportTable("Still in post", ["Cohort", "Started", "Stayed", "Rate"],
                        [["A", 4, 3, 75.0], ["B", 12, 9, 75.0], ["All", 16, 12, 75.0]],
                        counts=frozenset({1, 2}), derived_from={3: (1, 2)}, total_row=True)
    # 16 - 12 would give A's 4 back: the total's counts (and its rate) are hidden too.
    assert for_board(table, 5).rows == [
        ["A", "fewer than 5", "fewer than 5", "fewer than 5"], ["B", 12, 9, 75.0],
        ["All", "not shown", "not shown", "not shown"]]


def test_a_threshold_of_zero_hides_nothing():
    assert for_board(_table(), 0).rows == _table().rows


def test_csv_and_xlsx_hold_the_same_cells():
    table = _table()
    table.rows.append([DANGEROUS, 1, 1, 100.0])
    expected_text = "'" + DANGEROUS
    from_csv = csv_rows(as_csv(table))
    from_xlsx = xlsx_rows(as_xlsx(table))
    assert from_csv[0] == from_xlsx[0] == ["Cohort", "Started", "Stayed", "Rate"]
    assert from_csv[1] == ["A", "4", "3", "75.0"]
    assert from_xlsx[1] == ["A", 4, 3, 75]
    assert from_csv[-1][0] == from_xlsx[-1][0] == expected_text
    assert from_xlsx[4] == ["D", 0, 0]


@pytest.fixture
def council(org):
    _c, people = cohort_of(org, 6, date(2023, 9, 4), EntryRoute.STEP_UP, DANGEROUS)
    left(people[0], date(2024, 1, 31))
    _c, people = cohort_of(org, 3, date(2024, 9, 2), EntryRoute.UNIVERSITY, "University 2024")
    db.session.commit()


def test_the_retention_download_matches_the_page(client, lead, council):
    response = client.get("/workforce/retention.csv?entry_route=step_up")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="retention-')
    rows = csv_rows(response.data)
    assert rows[0][:6] == ["Entry route", "Cohort", "Started", "Reached 12 months",
                           "In post at 12 months", "In post at 12 months (%)"]
    assert rows[1][:6] == ["Step Up to Social Work", "'" + DANGEROUS, "6", "6", "5", "83.3"]
    assert len(rows) == 3  # the cohort and the total
    sheet = xlsx_rows(client.get("/workforce/retention.xlsx?entry_route=step_up").data)
    assert sheet[1][:6] == ["Step Up to Social Work", "'" + DANGEROUS, 6, 6, 5, 83.3]


def test_the_boards_copy_follows_the_setting(app, client, lead, council, monkeypatch):
    rows = csv_rows(client.get("/workforce/retention.csv?board=1").data)
    university = next(row for row in rows if row[1] == "University 2024")
    assert university[2:6] == ["fewer than 5", "fewer than 5", "fewer than 5", "fewer than 5"]
    monkeypatch.setitem(app.config, "REPORT_SUPPRESS_UNDER", 3)
    rows = csv_rows(client.get("/workforce/retention.csv?board=1").data)
    university = next(row for row in rows if row[1] == "University 2024")
    assert university[2:6] == ["3", "3", "3", "100.0"]
    sheet = xlsx_rows(client.get("/workforce/retention.xlsx?board=1").data)
    assert "fewer than" not in str(sheet)


def test_the_progression_download(client, lead, council):
    rows = csv_rows(client.get("/workforce/progression.csv").data)
    assert rows[0][:3] == ["Programme", "Cohort", "Portfolios"]
    # Members without a portfolio have nothing to progress.
    assert rows[1:] == []
    sheet = xlsx_rows(client.get("/workforce/progression.xlsx").data)
    assert sheet[0][-1] == "Median months from start to decision"
