"""The progression report: panel outcomes by programme and cohort, and how long from the
start of the programme to the decision."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from portal.core.dates import UK
from portal.core.template_helpers import plural
from portal.programmes.models import Outcome
from portal.reports.tables import Bar, ReportTable, percent, whole_percent

OUTCOMES = [(Outcome.APPROVED, "Approved"),
            (Outcome.APPROVED_WITH_ACTIONS, "Approved with actions"),
            (Outcome.DEFERRED, "Deferred"),
            (Outcome.NOT_APPROVED, "Not approved")]
# A deferral is not the end of the programme: time to decision counts the others.
FINAL = {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value,
         Outcome.NOT_APPROVED.value}
DAYS_IN_A_MONTH = 365.25 / 12


def months_between(start: date, decided_at: datetime) -> float:
    """Months from the start of the programme to the day of the decision in England."""
    return (decided_at.astimezone(UK).date() - start).days / DAYS_IN_A_MONTH


@dataclass
class ProgressionGroup:
    programme_name: str
    cohort_name: str
    portfolios: int = 0
    outcomes: Counter = field(default_factory=Counter)
    months: list[float] = field(default_factory=list)

    def add(self, row) -> None:
        self.portfolios += 1
        if row.outcome is not None:
            self.outcomes[row.outcome] += 1
        if row.outcome in FINAL:
            self.months.append(months_between(row.start_date, row.decided_at))

    @property
    def awaiting(self) -> int:
        return self.portfolios - sum(self.outcomes.values())

    @property
    def median_months(self) -> float | None:
        return round(median(self.months), 1) if self.months else None

    def cells(self) -> list:
        return [self.programme_name, self.cohort_name, self.portfolios,
                *(self.outcomes[outcome.value] for outcome, _ in OUTCOMES),
                self.awaiting, len(self.months), self.median_months]


@dataclass
class ProgressionReport:
    groups: list[ProgressionGroup]
    total: ProgressionGroup

    def table(self) -> ReportTable:
        headers = ["Programme", "Cohort", "Portfolios", *(label for _, label in OUTCOMES),
                   "No decision yet", "Final decisions", "Median months from start to decision"]
        rows = [group.cells() for group in self.groups]
        if self.groups:
            rows.append(self.total.cells())
        return ReportTable("Panel outcomes by programme and cohort", headers, rows,
                           counts=frozenset(range(2, 9)), derived_from={9: (8,)},
                           total_row=bool(self.groups))

    def bars(self) -> list[Bar]:
        decided = sum(self.total.outcomes.values())
        bars = []
        for outcome, label in OUTCOMES:
            count = self.total.outcomes[outcome.value]
            share = whole_percent(percent(count, decided))
            bars.append(Bar(label, count, f"{count} ({share})"))
        return bars

    def summary(self) -> str:
        decided = sum(self.total.outcomes.values())
        if not decided:
            return "No portfolio in this selection has a panel decision yet."
        approved = (self.total.outcomes[Outcome.APPROVED.value]
                    + self.total.outcomes[Outcome.APPROVED_WITH_ACTIONS.value])
        months = self.total.median_months
        time = f", a median of {months} months after starting" if months is not None else ""
        return (f"Of {plural(decided, 'portfolio')} decided by a panel, {approved} "
                f"({whole_percent(percent(approved, decided))}) "
                f"{'was' if approved == 1 else 'were'} approved{time}.")


def progression_report(rows) -> ProgressionReport:
    """Rows from `queries.progression_rows`, grouped by programme and cohort in order."""
    groups: dict[int, ProgressionGroup] = {}
    total = ProgressionGroup("All programmes", "All cohorts")
    for row in rows:
        if row.cohort_id not in groups:
            groups[row.cohort_id] = ProgressionGroup(row.programme_name, row.cohort_name)
        groups[row.cohort_id].add(row)
        total.add(row)
    return ProgressionReport(list(groups.values()), total)
