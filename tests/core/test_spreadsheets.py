"""Downloads that open in spreadsheets: formula-like cells are written as text."""

import pytest

from portal.core.spreadsheets import csv_lines, neutralised, safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+44 20", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("value", [3, 2.5, None, "Amara Okafor", "a=b"])
def test_other_values_are_left_alone(value):
    assert neutralised(value) == value


def test_csv_lines_start_with_a_byte_order_mark_and_make_every_cell_safe():
    lines = list(csv_lines(["Name", "Count"], [["=HYPERLINK(1)", 3], [None, "Zoë"]]))
    assert lines == ["\ufeffName,Count\r\n", "'=HYPERLINK(1),3\r\n", ",Zoë\r\n"]
