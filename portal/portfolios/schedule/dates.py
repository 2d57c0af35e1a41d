"""Dates in a portfolio: review points due, stage boundaries, extensions.

Every date is counted from the candidate's start date. Extensions (part-time working,
absence) push every later date back by the total number of days recorded.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


def add_months(start: date, months: int) -> date:
    """Same day of the month `months` later (the last day when the month is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day)


def due_date(start: date, due_month: int, extension_days: int) -> date:
    """When a review point falls. A start-of-programme review does not move."""
    base = add_months(start, due_month)
    return base if due_month == 0 else base + timedelta(days=extension_days)


def part_time_extension_days(duration_months: int, start: date, percent_of_full_time: int) -> int:
    """Days added so that a part-time candidate gets the same working time as full time."""
    if not 10 <= percent_of_full_time <= 100:
        raise ValueError("Working time must be between 10% and 100% of full time")
    length = (add_months(start, duration_months) - start).days
    return round(length * (100 / percent_of_full_time - 1))


@dataclass(frozen=True)
class StageWindow:
    code: str
    title: str
    starts_on: date
    ends_on: date  # exclusive

    def contains(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on


def stage_windows(start: date, stages, extension_days: int) -> list[StageWindow]:
    """The dates each programme stage covers for this candidate."""
    return [
        StageWindow(stage.code, stage.title,
                    due_date(start, stage.start_month, extension_days),
                    due_date(start, stage.end_month, extension_days))
        for stage in stages
    ]


def stage_of(day: date, windows: list[StageWindow]) -> str | None:
    """The last stage whose window holds `day` (later stages win where they overlap);
    dates after the programme count towards the last stage, before it towards the first."""
    if not windows:
        return None
    for window in reversed(windows):  # compared inline: this runs once an entry a page
        if window.starts_on <= day < window.ends_on:
            return window.code
    return windows[0].code if day < windows[0].starts_on else windows[-1].code
