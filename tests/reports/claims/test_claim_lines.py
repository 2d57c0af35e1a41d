"""Who is on a year's ASYE claim list, and why: registered in the year, completed in it
(a passing standing decision), or still on the programme on 31 March; and what is
flagged to check before claiming."""

from collections import namedtuple
from datetime import date

import pytest

from portal.reports.claims import claim_line, claim_list
from portal.reports.filters import financial_year
from portal.reports.registrations import qualified_long_before

Row = namedtuple("Row", "candidate_id name programme_name start_date qualified_on swe_number "
                        "asye_registered_on outcome sat_on left_on")
YEAR = financial_year("2026-27")
START = date(2026, 9, 7)


def _row(**changes) -> Row:
    values = {"candidate_id": 1, "name": "Amara Okafor", "programme_name": "ASYE",
              "start_date": START, "qualified_on": date(2026, 6, 30),
              "swe_number": "SW12345", "asye_registered_on": date(2026, 9, 14),
              "outcome": None, "sat_on": None, "left_on": None}
    return Row(**{**values, **changes})


def test_a_new_starter_is_registered_in_the_year_and_still_on_the_programme():
    line = claim_line(_row(), YEAR)
    assert (line.registered_in_year, line.completed_in_year, line.continuing) == (
        True, False, True)
    assert line.checks == ()


def test_a_pass_in_the_year_is_a_completion_on_the_day_the_panel_sat():
    line = claim_line(_row(start_date=date(2025, 9, 1), asye_registered_on=date(2025, 9, 8),
                           outcome="approved_with_actions", sat_on=date(2026, 9, 3)),
                      YEAR)
    assert (line.registered_in_year, line.completed_in_year, line.continuing) == (
        False, True, False)
    assert line.completed_on == date(2026, 9, 3)


def test_a_deferral_is_no_ending_and_a_decision_after_31_march_leaves_them_on_it():
    deferred = claim_line(_row(outcome="deferred", sat_on=date(2027, 2, 1)), YEAR)
    assert deferred.continuing and not deferred.completed_in_year
    assert deferred.completed_on is None
    later = claim_line(_row(outcome="approved", sat_on=date(2027, 4, 2)), YEAR)
    assert later.continuing and not later.completed_in_year


def test_not_approved_or_leaving_ends_the_programme_without_a_completion():
    failed = claim_line(_row(start_date=date(2025, 9, 1), asye_registered_on=date(2025, 9, 8),
                             outcome="not_approved", sat_on=date(2026, 9, 3)), YEAR)
    assert failed is None
    left = claim_line(_row(start_date=date(2025, 9, 1), asye_registered_on=date(2025, 9, 8),
                           left_on=date(2027, 1, 31)), YEAR)
    assert left is None
    left_after = claim_line(_row(left_on=date(2027, 4, 30)), YEAR)
    assert left_after.continuing


def test_someone_starting_after_the_year_is_not_on_its_claim():
    assert claim_line(_row(start_date=date(2027, 4, 5), asye_registered_on=None), YEAR) is None


@pytest.mark.parametrize(("changes", "check"), [
    ({"qualified_on": date(2022, 9, 6)}, "Qualified more than 4 years before starting"),
    ({"qualified_on": None}, "No qualification date"),
    ({"swe_number": None}, "No Social Work England number"),
    ({"asye_registered_on": None}, "No ASYE registration date"),
])
def test_what_to_check_before_claiming(changes, check):
    assert claim_line(_row(**changes), YEAR).checks == (check,)


def test_four_years_to_the_day_is_within_the_limit_and_a_day_more_is_not():
    assert not qualified_long_before(date(2022, 9, 7), START)
    assert qualified_long_before(date(2022, 9, 6), START)
    assert not qualified_long_before(None, START)
    # A start on a leap day compares with the leap day four years before.
    assert not qualified_long_before(date(2024, 2, 29), date(2028, 2, 29))
    assert qualified_long_before(date(2024, 2, 28), date(2028, 2, 29))
    # 2100 is not a leap year: four years before 29 February 2104 is 28 February 2100.
    assert not qualified_long_before(date(2100, 2, 28), date(2104, 2, 29))
    assert qualified_long_before(date(2100, 2, 27), date(2104, 2, 29))


def test_the_summary_and_table_count_and_list_the_same_lines():
    claims = claim_list([
        _row(),
        _row(candidate_id=2, name="Ben Carter", swe_number=None),
        _row(candidate_id=3, name="Cara Diaz", start_date=date(2025, 9, 1),
             asye_registered_on=date(2025, 9, 8), outcome="approved",
             sat_on=date(2026, 10, 1)),
    ], YEAR)
    assert claims.summary() == (
        "2 registrations, 1 completion and 2 people still on the programme on "
        "31 March 2027; 1 line to check before claiming.")
    table = claims.table()
    assert table.headers[-2] == "On the programme on 31 March 2027"
    assert table.rows[1] == ["Ben Carter", "ASYE", None, "2026-06-30", "2026-09-07",
                             "2026-09-14", None, "Yes", "No", "Yes",
                             "No Social Work England number"]
    assert table.rows[2][6] == "2026-10-01" and table.rows[2][8] == "Yes"
    assert claim_list([], YEAR).summary() == (
        "No one was on an ASYE programme from April 2026 to March 2027.")


def test_someone_on_the_asye_twice_is_registered_once():
    first = _row(start_date=date(2026, 4, 6), asye_registered_on=date(2026, 4, 13),
                 outcome="not_approved", sat_on=date(2026, 5, 1))
    again = _row(start_date=date(2026, 9, 7))
    claims = claim_list([first, again], YEAR)
    assert [line.registered_in_year for line in claims.lines] == [True, False]
    assert claims.count("registered_in_year") == 1


def test_a_leaving_before_this_portfolio_started_was_an_earlier_spell():
    back = claim_line(_row(left_on=date(2026, 5, 1)), YEAR)
    assert back.continuing


def test_an_open_asye_more_than_two_years_old_is_flagged():
    line = claim_line(_row(start_date=date(2024, 9, 2), asye_registered_on=date(2024, 9, 9)),
                      YEAR)
    assert line.continuing
    assert line.checks == ("No final decision more than 2 years after starting",)
