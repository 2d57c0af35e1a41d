"""Is there enough evidence? Required components, completeness, coverage over time and
whether recording was contemporaneous.

Every function here runs a small, fixed number of queries whatever the size of the
portfolio. Counts are grouped by day in the database and each day is placed in its
programme stage here with `schedule.stage_of` and the candidate's own stage windows, so
extensions for part-time working or absence move entries between stages. The queries
themselves are in portal.portfolios.queries.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from portal.frameworks.element_cache import Element, elements_of
from portal.portfolios import queries
from portal.portfolios.models import Portfolio
from portal.portfolios.operations import PortfolioError
from portal.portfolios.schedule.dates import StageWindow, stage_of, stage_windows
from portal.programmes.configuration import Component, configuration
from portal.programmes.models import RecordKind

UK = ZoneInfo("Europe/London")
# Weeks whose days fall this close before a review point's due date are marked, so a
# burst of recording just before a deadline stands out.
DEADLINE_RUN_UP_DAYS = 14
WORST_SHOWN = 5


# Stages -------------------------------------------------------------------------------
def _windows(portfolio: Portfolio) -> list[StageWindow]:
    return stage_windows(portfolio.start_date, configuration(portfolio.programme).stages,
                         portfolio.extension_total)


class CountRow(NamedTuple):
    """A row shaped like those of `queries.counted`."""

    source: str  # "evidence", "record" or "link"
    kind: str  # the evidence type, record kind or element id
    stage: str | None  # its own stage, or None when its day decides
    day: date | None
    number: int


def _staged(rows, windows: list[StageWindow]) -> dict[tuple[str, str, str | None], int]:
    """Sum counted rows into (source, kind, stage) counts. A row with a stage of its own
    keeps it; a dated row goes to the stage holding its day."""
    counts: dict[tuple[str, str, str | None], int] = defaultdict(int)
    for row in rows:
        stage = row.stage
        if stage is None and row.day is not None:
            stage = stage_of(row.day, windows)
        counts[(row.source, row.kind, stage)] += row.number
    return counts


# Required components ------------------------------------------------------------------
@dataclass(frozen=True)
class ComponentStatus:
    requirement: Component
    stage_code: str | None
    stage_title: str | None
    needed: int
    have: int
    met: bool

    @property
    def label(self) -> str:
        if self.stage_title:
            return f"{self.requirement.title}, {self.stage_title}"
        return self.requirement.title

    @property
    def message(self) -> str:
        # Written when asked for: the portfolio page counts every status and shows none.
        return _message(self.label, self.needed, self.have)

    @property
    def still_needed(self) -> int:
        return max(self.needed - self.have, 0)


def _message(label: str, needed: int, have: int) -> str:
    if have >= needed:
        return f"{label}: {have} of {needed}" if have == needed else \
            f"{label}: {have} ({needed} needed)"
    if have == 0:
        return f"{label}: none yet ({needed} needed)"
    return f"{label}: {have} of {needed} ({needed - have} more needed)"


@dataclass(frozen=True)
class Tallies:
    """A portfolio's counts by stage: evidence by type, records by kind and, when asked
    for, links by element."""

    evidence: dict[tuple[str, str | None], int]
    records: dict[tuple[str, str | None], int]
    links: dict[tuple[int, str | None], int] | None = None


def tallies(portfolio: Portfolio, with_links: bool = False,
            rows: Sequence[CountRow] | None = None) -> Tallies:
    """Every count the sufficiency checks (and, `with_links`, the heat map) need: one
    query, or `rows` shaped like its rows that the page has read already. Pass the result
    on to `component_status` and `heat_map` on the same page."""
    if rows is None:
        rows = queries.counted(portfolio, with_links)
    counted = _staged(rows, _windows(portfolio))
    found: dict[str, dict] = {"evidence": {}, "record": {}, "link": {}}
    for (source, kind, stage), count in counted.items():
        found[source][(int(kind) if source == "link" else kind, stage)] = count
    return Tallies(evidence=found["evidence"], records=found["record"],
                   links=found["link"] if with_links else None)


def component_status(portfolio: Portfolio, stage_codes: set[str] | None = None,
                     include_whole: bool = True,
                     counted: Tallies | None = None) -> list[ComponentStatus]:
    """One status per requirement, or per requirement and stage for per-stage ones.

    `stage_codes` keeps only per-stage statuses for those stages (None: every stage);
    `include_whole` keeps the requirements that apply to the whole programme.
    """
    config = configuration(portfolio.programme)
    titles = {stage.code: stage.title for stage in config.stages}
    counted = counted or tallies(portfolio)
    evidence, records = counted.evidence, counted.records
    statuses = []
    for requirement in config.components:
        if requirement.source == "evidence":
            kind, counts = requirement.evidence_type, evidence
        else:
            kind, counts = requirement.record_kind, records
        if requirement.per_stage:
            wanted = [code for code in requirement.per_stage
                      if stage_codes is None or code in stage_codes]
            for code in wanted:
                have = counts.get((kind, code), 0)
                statuses.append(_status(requirement, code, titles.get(code, code), have))
        elif include_whole:
            have = sum(n for (k, _stage), n in counts.items() if k == kind)
            statuses.append(_status(requirement, None, None, have))
    return statuses


def _status(requirement: Component, stage_code, stage_title,
            have: int) -> ComponentStatus:
    needed = requirement.min_count
    return ComponentStatus(requirement=requirement, stage_code=stage_code,
                           stage_title=stage_title, needed=needed, have=have,
                           met=have >= needed)


def _needed_by(portfolio: Portfolio, due_month: int, status: ComponentStatus) -> bool:
    """Whether a review point due `due_month` months in asks for this status: the support
    agreement always, and per-stage requirements of stages that have ended by then."""
    if status.stage_code is None:
        return status.requirement.record_kind == RecordKind.SUPPORT_AGREEMENT.value
    ends = {stage.code: stage.end_month for stage in configuration(portfolio.programme).stages}
    return status.stage_code in ends and ends[status.stage_code] <= due_month


def missing_for_review_point(portfolio: Portfolio, review_point_code: str) -> list[str]:
    """What a review point needs and the portfolio lacks: the support agreement, and each
    per-stage requirement for the stages that have ended by the review point. Whole
    programme counts (observations, feedback) are for the panel, not the reviews."""
    config = configuration(portfolio.programme)
    definition = config.review_point(review_point_code)
    if definition is None:
        raise PortfolioError("Choose a review point that is still to come")
    ended = {stage.code for stage in config.stages
             if stage.end_month <= definition.due_month}
    return [
        status.message
        for status in component_status(portfolio, stage_codes=ended, include_whole=True)
        if not status.met and _needed_by(portfolio, definition.due_month, status)
    ]


def review_point_readiness(portfolio: Portfolio, statuses: list[ComponentStatus],
                           ) -> list[tuple[object, list[str]]]:
    """(review point definition, what it still lacks) for every review point, worked out
    from statuses already counted so the page needs no further queries."""
    return [
        (definition, [s.message for s in statuses
                      if not s.met and _needed_by(portfolio, definition.due_month, s)])
        for definition in configuration(portfolio.programme).review_points
    ]


def missing_for_panel(portfolio: Portfolio) -> list[str]:
    """Every required component the portfolio lacks; empty when it is ready for panel."""
    return [status.message for status in component_status(portfolio) if not status.met]


def percent_complete(statuses: list[ComponentStatus]) -> int:
    """Share of all required units present, rounded down so 100 means really complete."""
    needed = sum(status.needed for status in statuses)
    if needed == 0:
        return 100
    return 100 * sum(min(status.have, status.needed) for status in statuses) // needed


def completeness(portfolio: Portfolio, rows: Sequence[CountRow] | None = None) -> int:
    """Share of the required parts present: counted by one query, or from `rows` shaped
    like `queries.counted`'s (a page that has read the entries and records already)."""
    counted = None if rows is None else tallies(portfolio, rows=rows)
    return percent_complete(component_status(portfolio, counted=counted))


def evidence_row(evidence_type: str, occurred_on: date) -> CountRow:
    """One entry as a counted row."""
    return CountRow("evidence", evidence_type, None, occurred_on, 1)


def record_row(kind: str, stage: str | None, day: date | None) -> CountRow:
    """One structured record as a counted row."""
    return CountRow("record", kind, stage, day, 1)


# Heat map -----------------------------------------------------------------------------
@dataclass
class HeatRow:
    element: Element
    counts: list[int]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass
class HeatGroup:
    framework: object
    rows: list[HeatRow] = field(default_factory=list)


@dataclass
class HeatMap:
    stages: list[StageWindow]
    groups: list[HeatGroup]

    @property
    def rows(self) -> list[HeatRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def max_count(self) -> int:
        return max((n for row in self.rows for n in row.counts), default=0)

    @property
    def stage_totals(self) -> list[int]:
        return [sum(row.counts[i] for row in self.rows) for i in range(len(self.stages))]


def heat_map(portfolio: Portfolio, counted: Tallies | None = None) -> HeatMap:
    """Elements of the pinned frameworks down, programme stages across; each cell counts
    the portfolio's entries linked to that element that happened in that stage."""
    windows = _windows(portfolio)
    frameworks = list(portfolio.frameworks)
    elements = elements_of([f.id for f in frameworks])
    if counted is None or counted.links is None:
        counted = tallies(portfolio, with_links=True)
    counts = counted.links
    groups = [
        HeatGroup(f, [HeatRow(element, [counts.get((element.id, w.code), 0) for w in windows])
                      for element in elements[f.id]])
        for f in frameworks
    ]
    return HeatMap(stages=windows, groups=groups)


# Late recording -----------------------------------------------------------------------
@dataclass(frozen=True)
class LateEntry:
    entry_id: int
    title: str
    occurred_on: date
    recorded_on: date
    in_portfolio: bool

    @property
    def days_late(self) -> int:
        return (self.recorded_on - self.occurred_on).days


@dataclass
class LateSummary:
    total: int
    late: int
    worst: list[LateEntry]

    @property
    def share(self) -> int:
        """Percentage of entries recorded late, rounded to the nearest whole number."""
        return round(100 * self.late / self.total) if self.total else 0


@dataclass(frozen=True)
class RecordingWeek:
    starts_on: date
    logged: int
    late: int
    # The review point this week runs up to, if any of its days fall in the run-up.
    before_review_point: str | None

    @property
    def ends_on(self) -> date:
        return self.starts_on + timedelta(days=6)


@dataclass
class LateRecording:
    threshold_days: int
    portfolio: LateSummary
    all_entries: LateSummary
    weeks: list[RecordingWeek]

    @property
    def max_week(self) -> int:
        return max((w.logged for w in self.weeks), default=0)

    @property
    def busiest(self) -> RecordingWeek | None:
        return max(self.weeks, key=lambda w: w.logged, default=None)


def _summary(entries: list[LateEntry], threshold_days: int) -> LateSummary:
    late = sorted((e for e in entries if e.days_late > threshold_days),
                  key=lambda e: (-e.days_late, e.entry_id))
    return LateSummary(total=len(entries), late=len(late), worst=late[:WORST_SHOWN])


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _weeks(entries: list[LateEntry], threshold_days: int, portfolio: Portfolio,
           ) -> list[RecordingWeek]:
    if not entries:
        return []
    logged = defaultdict(int)
    late = defaultdict(int)
    for entry in entries:
        week = _monday(entry.recorded_on)
        logged[week] += 1
        late[week] += entry.days_late > threshold_days
    first = _monday(min(min(logged), portfolio.start_date))
    last = max(logged)
    run_ups = [(point.due_on - timedelta(days=DEADLINE_RUN_UP_DAYS), point.due_on, point.title)
               for point in portfolio.review_points]
    weeks = []
    week = first
    while week <= last:
        ends = week + timedelta(days=6)
        marked = next((title for starts, due, title in run_ups
                       if week <= due and ends >= starts), None)
        weeks.append(RecordingWeek(week, logged[week], late[week], marked))
        week += timedelta(days=7)
    return weeks


def late_recording(portfolio: Portfolio, threshold_days: int = 28) -> LateRecording:
    """Entries logged more than `threshold_days` after they happened, in the portfolio and
    across the candidate's whole log, and how many entries were logged each week."""
    entries = [
        LateEntry(row.entry_id, row.title, row.occurred_on,
                  row.created_at.astimezone(UK).date(), bool(row.in_portfolio))
        for row in queries.recorded_entries(portfolio)
    ]
    return LateRecording(
        threshold_days=threshold_days,
        portfolio=_summary([e for e in entries if e.in_portfolio], threshold_days),
        all_entries=_summary(entries, threshold_days),
        weeks=_weeks(entries, threshold_days, portfolio),
    )
