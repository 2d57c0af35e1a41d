"""The assessment practice report: per assessor, how long candidates wait for a first
word of feedback on evidence in their portfolio, how long a submission waits for its
signed-off report, and how many direct observations each candidate has had."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from statistics import median

from portal.core.template_helpers import plural
from portal.reports.tables import Bar, ReportTable

SECONDS_IN_A_DAY = 24 * 60 * 60


def days_between(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds() / SECONDS_IN_A_DAY)


def _median(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


@dataclass
class AssessorPractice:
    name: str
    feedback_days: list[float] = field(default_factory=list)
    signoff_days: list[float] = field(default_factory=list)
    reports_open: int = 0
    candidates: int = 0
    observations: int = 0

    @property
    def observations_per_candidate(self) -> float | None:
        return round(self.observations / self.candidates, 1) if self.candidates else None

    def cells(self) -> list:
        return [self.name, len(self.feedback_days), _median(self.feedback_days),
                len(self.signoff_days), _median(self.signoff_days), self.reports_open,
                self.candidates, self.observations, self.observations_per_candidate]


@dataclass
class PracticeReport:
    assessors: list[AssessorPractice]
    total: AssessorPractice

    def table(self) -> ReportTable:
        headers = ["Assessor", "Entries with feedback", "Median days to first feedback",
                   "Reports signed off", "Median days from submission to sign-off",
                   "Reports not signed off yet", "Candidates assessed now",
                   "Observations signed off", "Observations per candidate"]
        rows = [assessor.cells() for assessor in self.assessors]
        if self.assessors:
            rows.append(self.total.cells())
        return ReportTable("Assessment practice by assessor", headers, rows,
                           counts=frozenset({1, 3, 5, 6, 7}),
                           derived_from={2: (1,), 4: (3,), 8: (6, 7)},
                           total_row=bool(self.assessors))

    def bars(self) -> list[Bar]:
        return [Bar(assessor.name, median_days, f"{median_days} days")
                for assessor in self.assessors
                if (median_days := _median(assessor.feedback_days)) is not None]

    def summary(self) -> str:
        total = self.total
        if not (total.feedback_days or total.signoff_days or total.candidates):
            return "No assessment in this selection yet."
        parts = []
        if total.feedback_days:
            parts.append(f"a first word of feedback came a median of "
                         f"{_median(total.feedback_days)} days after evidence went into a "
                         f"portfolio ({plural(len(total.feedback_days), 'entry', 'entries')})")
        if total.signoff_days:
            parts.append(f"reports were signed off a median of {_median(total.signoff_days)} "
                         f"days after the submission ({plural(len(total.signoff_days), 'report')})")
        if total.candidates:
            parts.append(f"each candidate has had {total.observations_per_candidate} direct "
                         "observations on average")
        return ("Across the selection, " + "; ".join(parts) + ".")


def practice_report(feedback_rows, report_rows, observation_rows) -> PracticeReport:
    """Rows from `practice_queries`, per assessor by name, with a total."""
    by_staff: dict[int, AssessorPractice] = {}
    total = AssessorPractice("All assessors")

    def assessor(row) -> AssessorPractice:
        return by_staff.setdefault(row.staff_id, AssessorPractice(row.staff_name))

    # Each portfolio entry counts once, for whoever wrote about it first.
    first: dict[int, tuple] = {}
    for row in feedback_rows:
        if row.item_id not in first or row.first_at < first[row.item_id].first_at:
            first[row.item_id] = row
    for row in first.values():
        days = days_between(row.added_at, row.first_at)
        assessor(row).feedback_days.append(days)
        total.feedback_days.append(days)
    for row in report_rows:
        if row.signed_off_at is None:
            assessor(row).reports_open += 1
            total.reports_open += 1
        else:
            days = days_between(row.submitted_at, row.signed_off_at)
            assessor(row).signoff_days.append(days)
            total.signoff_days.append(days)
    counted: defaultdict[int, set] = defaultdict(set)
    for row in observation_rows:
        if row.candidate_id in counted[row.staff_id]:
            continue
        counted[row.staff_id].add(row.candidate_id)
        for practice in (assessor(row), total):
            practice.candidates += 1
            practice.observations += row.observations
    return PracticeReport(sorted(by_staff.values(), key=lambda a: a.name.lower()), total)
