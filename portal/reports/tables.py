"""A report as rows and columns: what the page's tables show and the downloads write, so
the page and the spreadsheet can never disagree."""

from dataclasses import dataclass, field
from typing import NamedTuple

Cell = str | int | float | None


@dataclass
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[Cell]] = field(default_factory=list)
    # Columns that count people: a board's copy hides small ones (downloads.for_board).
    counts: frozenset[int] = frozenset()
    # Columns worked out from counts (a percentage, a median): hidden with their counts.
    derived_from: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # What the page writes after a column's numbers ("%"); downloads keep bare numbers.
    units: dict[int, str] = field(default_factory=dict)
    # The last row adds up the others: a board's copy hides its count wherever a row above
    # had that count hidden, or the total minus the rows shown would give it away.
    total_row: bool = False


class Bar(NamedTuple):
    """One bar of a chart: its label, its length (in the chart's unit) and the words
    written beside it."""

    label: str
    value: float
    shown: str


def percent(part: int, whole: int) -> float | None:
    """`part` of `whole` as a percentage to one decimal place; None of nobody."""
    return round(100 * part / whole, 1) if whole else None


def whole_percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"
