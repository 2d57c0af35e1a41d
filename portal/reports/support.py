"""The support report: whether the support the ASYE promises happened. Supervision at the
ASYE frequency (weekly for the first 6 weeks, fortnightly to 6 months, monthly after), a
10% protected development time, and a workload reduction the line manager confirms in each
review report (so due from the 3-month review on).

Expectations are for a full-time year counted to today (or to the end of the year); the
page says so. A portfolio falls short when it has recorded less than expected so far."""

from dataclasses import dataclass, field
from datetime import date

from portal.core.template_helpers import plural
from portal.reports.retention import add_months
from portal.reports.tables import Bar, ReportTable, percent, whole_percent

# 10% of a 37-hour week, in minutes: about half a day a week.
PROTECTED_MINUTES_A_WEEK = 222


def expected_supervisions(start: date, today: date) -> int:
    """Sessions due by `today` at the ASYE frequency, over the first 12 months."""
    end = min(today, add_months(start, 12))
    if end <= start:
        return 0
    days = (end - start).days
    weekly_until, fortnightly_until = 42, (add_months(start, 6) - start).days
    due = min(days, weekly_until) // 7
    if days > weekly_until:
        due += (min(days, fortnightly_until) - weekly_until) // 14
    six_months = add_months(start, 6)
    due += sum(1 for month in range(1, 7) if add_months(six_months, month) <= end)
    return due


def expected_protected_minutes(start: date, today: date) -> int:
    end = min(today, add_months(start, 12))
    return max(0, (end - start).days) // 7 * PROTECTED_MINUTES_A_WEEK


@dataclass
class SupportGap:
    """One portfolio's support so far, for the list of who falls short."""

    candidate_name: str
    cohort_name: str
    supervisions: int
    supervisions_due: int
    protected_minutes: int
    protected_minutes_due: int
    workload_confirmed: bool | None  # the line manager's latest word; None: none yet
    workload_due: bool  # the 3-month review, where it is first confirmed, has passed

    @property
    def short_of_supervision(self) -> bool:
        return self.supervisions < self.supervisions_due

    @property
    def short_of_protected_time(self) -> bool:
        return self.protected_minutes < self.protected_minutes_due

    @property
    def short_of_workload_reduction(self) -> bool:
        return self.workload_due and self.workload_confirmed is not True

    @property
    def falls_short(self) -> bool:
        return (self.short_of_supervision or self.short_of_protected_time
                or self.short_of_workload_reduction)


@dataclass
class SupportGroup:
    cohort_name: str
    portfolios: int = 0
    short_supervision: int = 0
    short_protected_time: int = 0
    unconfirmed_workload: int = 0

    def add(self, gap: SupportGap) -> None:
        self.portfolios += 1
        self.short_supervision += gap.short_of_supervision
        self.short_protected_time += gap.short_of_protected_time
        self.unconfirmed_workload += gap.short_of_workload_reduction

    def cells(self) -> list:
        return [self.cohort_name, self.portfolios, self.short_supervision,
                self.short_protected_time, self.unconfirmed_workload]


@dataclass
class SupportReport:
    groups: list[SupportGroup]
    total: SupportGroup
    gaps: list[SupportGap] = field(default_factory=list)  # those who fall short

    def table(self) -> ReportTable:
        rows = [group.cells() for group in self.groups]
        if self.groups:
            rows.append(self.total.cells())
        return ReportTable("Support below the ASYE expectation by cohort",
                           ["Cohort", "ASYE portfolios", "Fewer supervisions than due",
                            "Less protected time than due", "No workload reduction confirmed"],
                           rows, counts=frozenset({1, 2, 3, 4}),
                           total_row=bool(self.groups))

    def bars(self) -> list[Bar]:
        whole = self.total.portfolios
        return [Bar(label, count, f"{count} of {whole} ({whole_percent(percent(count, whole))})")
                for label, count in (
                    ("Fewer supervisions than due", self.total.short_supervision),
                    ("Less protected time than due", self.total.short_protected_time),
                    ("No workload reduction confirmed", self.total.unconfirmed_workload))]

    def summary(self) -> str:
        if not self.total.portfolios:
            return "No ASYE portfolio matches these filters."
        short = len(self.gaps)
        return (f"Of {plural(self.total.portfolios, 'ASYE portfolio')}, {short} "
                f"({whole_percent(percent(short, self.total.portfolios))}) "
                f"{'falls' if short == 1 else 'fall'} short of the promised support so far.")


def support_report(rows, today: date) -> SupportReport:
    """Rows from `queries.support_rows`, grouped by cohort."""
    groups: dict[int, SupportGroup] = {}
    total, gaps = SupportGroup("All cohorts"), []
    for row in rows:
        # Someone who left is held to what was due while they were here.
        until = min(today, row.left_on) if row.left_on else today
        gap = SupportGap(row.candidate_name, row.cohort_name, row.supervisions,
                         expected_supervisions(row.start_date, until), row.protected_minutes,
                         expected_protected_minutes(row.start_date, until),
                         row.workload_confirmed, add_months(row.start_date, 3) <= until)
        groups.setdefault(row.cohort_id, SupportGroup(row.cohort_name)).add(gap)
        total.add(gap)
        if gap.falls_short:
            gaps.append(gap)
    return SupportReport(list(groups.values()), total, gaps)
