"""The retention report: of the people who started in each cohort, by entry route, how
many were still in post 12, 24 and 36 months after starting. Someone counts towards a
milestone only once it has passed."""

import calendar
from dataclasses import dataclass, field
from datetime import date

from portal.core.template_helpers import plural
from portal.organisations.models import EntryRoute
from portal.reports.tables import Bar, ReportTable, percent, whole_percent

MILESTONES = (12, 24, 36)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def started(row) -> date:
    """A member starts with their cohort, or on the day they joined it if later."""
    return max(row.cohort_start, row.joined_on) if row.joined_on else row.cohort_start


@dataclass
class RetentionGroup:
    entry_route: str
    cohort_name: str
    started: int = 0
    reached: dict[int, int] = field(default_factory=lambda: dict.fromkeys(MILESTONES, 0))
    stayed: dict[int, int] = field(default_factory=lambda: dict.fromkeys(MILESTONES, 0))

    @property
    def entry_route_label(self) -> str:
        return EntryRoute(self.entry_route).label if self.entry_route else "All entry routes"

    def add(self, row, today: date) -> None:
        self.started += 1
        start = started(row)
        for months in MILESTONES:
            milestone = add_months(start, months)
            if milestone > today:
                continue
            self.reached[months] += 1
            if row.left_on is None or row.left_on >= milestone:
                self.stayed[months] += 1

    def rate(self, months: int) -> float | None:
        return percent(self.stayed[months], self.reached[months])

    def cells(self) -> list:
        cells = [self.entry_route_label, self.cohort_name, self.started]
        for months in MILESTONES:
            cells += [self.reached[months], self.stayed[months], self.rate(months)]
        return cells


@dataclass
class RetentionReport:
    groups: list[RetentionGroup]  # by entry route, then cohort
    routes: list[RetentionGroup]  # one per entry route, every cohort together
    total: RetentionGroup

    def table(self) -> ReportTable:
        headers = ["Entry route", "Cohort", "Started"]
        for months in MILESTONES:
            headers += [f"Reached {months} months", f"In post at {months} months",
                        f"In post at {months} months (%)"]
        rows = [group.cells() for group in self.groups]
        if self.groups:
            rows.append(self.total.cells())
        counts = {2} | {3 + 3 * n for n in range(3)} | {4 + 3 * n for n in range(3)}
        derived = {5 + 3 * n: (3 + 3 * n, 4 + 3 * n) for n in range(3)}
        return ReportTable("Still in post by entry route and cohort", headers, rows,
                           counts=frozenset(counts), derived_from=derived,
                           units=dict.fromkeys(derived, "%"),
                           total_row=bool(self.groups))

    def bars(self, months: int = 12) -> list[Bar]:
        """Per entry route, the share still in post `months` after starting."""
        bars = []
        for route in self.routes:
            rate = route.rate(months)
            shown = (f"{route.stayed[months]} of {route.reached[months]} ({whole_percent(rate)})"
                     if route.reached[months] else f"No one has reached {months} months yet")
            bars.append(Bar(route.entry_route_label, rate or 0, shown))
        return bars

    def summary(self, months: int = 12) -> str:
        reached, stayed = self.total.reached[months], self.total.stayed[months]
        if not reached:
            return f"No one in this selection started {months} months ago or more yet."
        return (f"Of {plural(reached, 'social worker')} who started at least {months} months "
                f"ago, {stayed} ({whole_percent(percent(stayed, reached))}) "
                f"{'was' if stayed == 1 else 'were'} still in post {months} months after "
                "starting.")


def retention_report(rows, today: date) -> RetentionReport:
    """Rows from `queries.retention_rows`, grouped by entry route and cohort."""
    groups: dict[int, RetentionGroup] = {}
    routes: dict[str, RetentionGroup] = {}
    total = RetentionGroup("", "All cohorts")
    for row in rows:
        if row.cohort_id not in groups:
            groups[row.cohort_id] = RetentionGroup(row.entry_route, row.cohort_name)
        if row.entry_route not in routes:
            routes[row.entry_route] = RetentionGroup(row.entry_route, "All cohorts")
        for group in (groups[row.cohort_id], routes[row.entry_route], total):
            group.add(row, today)
    by_label = sorted(routes.values(), key=lambda route: route.entry_route_label)
    return RetentionReport(list(groups.values()), by_label, total)
