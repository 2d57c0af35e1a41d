"""Due dates from the start date, stage windows, and extensions."""

from datetime import date

import pytest

from portal.portfolios.schedule.dates import (
    add_months,
    due_date,
    part_time_extension_days,
    stage_of,
    stage_windows,
)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 5), 3, date(2026, 4, 5)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 9, 7), 12, date(2027, 9, 7)),
        (date(2026, 9, 7), 0, date(2026, 9, 7)),
    ],
)
def test_add_months(start, months, expected):
    assert add_months(start, months) == expected


def test_extensions_move_later_dates_but_not_the_start():
    assert due_date(date(2026, 1, 5), 0, 30) == date(2026, 1, 5)
    assert due_date(date(2026, 1, 5), 3, 30) == date(2026, 5, 5)


def test_part_time_gets_the_same_working_time():
    assert part_time_extension_days(12, date(2026, 1, 5), 100) == 0
    assert part_time_extension_days(12, date(2026, 1, 5), 80) == 91  # 365 * (1.25 - 1)
    assert part_time_extension_days(12, date(2026, 1, 5), 50) == 365
    with pytest.raises(ValueError):
        part_time_extension_days(12, date(2026, 1, 5), 0)


class _Stage:
    def __init__(self, code, start_month, end_month):
        self.code, self.title = code, code
        self.start_month, self.end_month = start_month, end_month


STAGES = [_Stage("beginning", 0, 1), _Stage("early", 1, 3), _Stage("middle", 3, 6),
          _Stage("final", 6, 12)]


@pytest.mark.parametrize(
    ("day", "extension", "expected"),
    [
        (date(2026, 1, 5), 0, "beginning"),
        (date(2026, 2, 4), 0, "beginning"),
        (date(2026, 2, 5), 0, "early"),
        (date(2026, 4, 5), 0, "middle"),
        (date(2026, 12, 1), 0, "final"),
        (date(2027, 6, 1), 0, "final"),
        (date(2025, 12, 1), 0, "beginning"),
        (date(2026, 4, 10), 30, "early"),  # an absence pushes the stage boundary back
    ],
)
def test_stage_of_a_date(day, extension, expected):
    windows = stage_windows(date(2026, 1, 5), STAGES, extension)
    assert stage_of(day, windows) == expected
