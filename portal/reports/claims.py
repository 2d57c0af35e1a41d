"""The ASYE claim list for a financial year: who was registered for the ASYE in it, who
completed it, and who was still on it at its last day (31 March), with the registration
details the Department's child and family funding claim and Skills for Care's adults
ASYE records ask for, and what to check before claiming.

Completion is the day the panel sat for the portfolio's standing decision when that
decision passed the ASYE (approved, or approved with actions); a deferral is not an
ending. A person on the ASYE twice (after a Not approved) is registered once: only their
first ASYE line counts the registration."""

from dataclasses import dataclass
from datetime import date, timedelta

from portal.core.template_helpers import plural
from portal.programmes.models import Outcome
from portal.reports.filters import FinancialYear
from portal.reports.progression import FINAL
from portal.reports.registrations import qualified_long_before
from portal.reports.tables import ReportTable

PASSED = {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}
YES, NO = "Yes", "No"


@dataclass(frozen=True)
class ClaimLine:
    name: str
    programme_name: str
    swe_number: str | None
    qualified_on: date | None
    start_date: date
    asye_registered_on: date | None
    completed_on: date | None
    registered_in_year: bool
    completed_in_year: bool
    continuing: bool
    checks: tuple[str, ...]


# An ASYE lasts 12 months: an open one more than two years old needs a look.
STALE_AFTER = timedelta(days=730)


def _checks(row, continuing: bool, year: FinancialYear) -> tuple[str, ...]:
    found = []
    if continuing and row.start_date < year.last_day - STALE_AFTER:
        found.append("No final decision more than 2 years after starting")
    if qualified_long_before(row.qualified_on, row.start_date):
        found.append("Qualified more than 4 years before starting")
    if row.qualified_on is None:
        found.append("No qualification date")
    if row.swe_number is None:
        found.append("No Social Work England number")
    if row.asye_registered_on is None:
        found.append("No ASYE registration date")
    return tuple(found)


def claim_line(row, year: FinancialYear, first: bool = True) -> ClaimLine | None:
    """The row's line on the year's claim, or None when it has no part in that year.
    `first`: whether this is the person's first ASYE portfolio (the one their ASYE
    registration belongs to)."""
    completed_on = row.sat_on if row.outcome in PASSED else None
    ended_on = row.sat_on if row.outcome in FINAL else None
    # A leaving before this portfolio started was from an earlier spell: they came back.
    left_on = row.left_on if row.left_on and row.left_on >= row.start_date else None
    last = year.last_day
    registered = (first and row.asye_registered_on is not None
                  and year.first_day <= row.asye_registered_on <= last)
    completed = completed_on is not None and year.first_day <= completed_on <= last
    continuing = (row.start_date <= last and (ended_on is None or ended_on > last)
                  and (left_on is None or left_on > last))
    if not (registered or completed or continuing):
        return None
    return ClaimLine(row.name, row.programme_name, row.swe_number, row.qualified_on,
                     row.start_date, row.asye_registered_on, completed_on, registered,
                     completed, continuing, _checks(row, continuing, year))


@dataclass
class ClaimList:
    year: FinancialYear
    lines: list[ClaimLine]

    def count(self, attribute: str) -> int:
        return sum(1 for line in self.lines if getattr(line, attribute))

    def summary(self) -> str:
        if not self.lines:
            return f"No one was on an ASYE programme from {self.year.label}."
        return (f"{plural(self.count('registered_in_year'), 'registration')}, "
                f"{plural(self.count('completed_in_year'), 'completion')} and "
                f"{plural(self.count('continuing'), 'person', 'people')} still on the "
                f"programme on {self.year.last_day:%-d %B %Y}; "
                f"{plural(self.count('checks'), 'line')} to check before claiming.")

    def table(self) -> ReportTable:
        headers = ["Name", "Programme", "Social Work England number", "Qualified",
                   "Started the ASYE", "Registered for the ASYE", "Completed the ASYE",
                   "Registered in the year", "Completed in the year",
                   f"On the programme on {self.year.last_day:%-d %B %Y}", "To check"]
        rows = [[line.name, line.programme_name, line.swe_number,
                 _iso(line.qualified_on), _iso(line.start_date),
                 _iso(line.asye_registered_on), _iso(line.completed_on),
                 YES if line.registered_in_year else NO,
                 YES if line.completed_in_year else NO,
                 YES if line.continuing else NO, "; ".join(line.checks) or None]
                for line in self.lines]
        return ReportTable(f"ASYE claim list, {self.year.label}", headers, rows)


def _iso(day: date | None) -> str | None:
    """Dates as 2027-03-31: what spreadsheets and the claim forms read without doubt."""
    return day.isoformat() if day else None


def claim_list(rows: list, year: FinancialYear) -> ClaimList:
    """The year's lines from rows in order of person and start."""
    lines, seen = [], set()
    for row in rows:
        line = claim_line(row, year, first=row.candidate_id not in seen)
        seen.add(row.candidate_id)
        if line is not None:
            lines.append(line)
    return ClaimList(year, lines)
