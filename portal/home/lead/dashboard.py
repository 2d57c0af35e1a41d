"""The lead's dashboard, built from its queries and the status rules.

Each list is one statement over all the open cohorts (portal.home.lead.queries); the
status of every candidate is worked out here from those rows with
`status_rules.assess`, so the page's statement count does not grow with the cohorts'
size.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from sqlalchemy import Row

from portal.assessment.queue.work_queue import ASSESSMENT_DAYS, REVIEW_WINDOW_DAYS
from portal.core.dates import UK
from portal.frameworks.models import element_name
from portal.home import queries as home_queries
from portal.home.lead import queries
from portal.home.lead.queries import BUILDING
from portal.home.lead.status_rules import (
    RULES,
    Assessment,
    ComponentCount,
    Progress,
    Status,
    assess,
)
from portal.portfolios.schedule.dates import add_months
from portal.programmes.configuration import configuration
from portal.programmes.models import Outcome, Programme

# The longest list of each kind the home page shows; the rest are counted.
SHOWN = 25


@dataclass(frozen=True)
class CandidateStatus:
    cohort_id: int
    candidate_id: int
    name: str
    portfolio_id: int | None
    assessment: Assessment

    @property
    def status(self) -> Status:
        return self.assessment.status


class CohortStatus(NamedTuple):
    """An open cohort's row, shaped like `home.queries.cohort_overview`'s with the counts
    added, so the administrator's list and the lead's are one template."""

    cohort: object  # the Cohort, with its programme
    members: int
    counts: Counter  # Status -> how many of its candidates


@dataclass(frozen=True)
class Workload:
    assessor_id: int
    name: str
    candidates: int
    feedback_waiting: int
    waiting_days: int | None  # how long the oldest waits
    overdue_reports: int


@dataclass(frozen=True)
class DuePoint:
    """A review point not done yet, overdue or coming up, with its candidate's name."""

    portfolio_id: int
    name: str
    title: str
    due_on: date
    optional: bool
    overdue: bool


@dataclass
class Dashboard:
    cohorts: list[CohortStatus]
    needing_attention: list[CandidateStatus]  # behind or concerns, concerns first
    overdue_review_points: list[DuePoint]
    upcoming_review_points: list[DuePoint]
    reports_waiting: list[Row]
    ready_for_panel: list[Row]
    next_panels: list[Row]
    workload: list[Workload]
    counts: Counter = field(default_factory=Counter)  # Status -> candidates, all cohorts
    rules: tuple = RULES
    statuses: tuple = tuple(Status)
    shown: int = SHOWN


def time_passed(start: date, duration_months: int, extension_days: int, today: date) -> float:
    """Share of the candidate's programme time gone by `today`: the programme's length
    plus their extensions (part-time working, absence), so it runs slower for them."""
    length = (add_months(start, duration_months) - start).days + extension_days
    return min(max((today - start).days / length, 0.0), 1.0) if length > 0 else 1.0


def component_counts(programme: Programme, counted: dict[tuple[str, str], int],
                     ) -> tuple[ComponentCount, ...]:
    """Each required component of the programme, in all (a per-stage one once a stage),
    with how many the portfolio has of its evidence type or record kind."""
    counts = []
    for component in configuration(programme).components:
        kind = (("evidence", component.evidence_type) if component.source == "evidence"
                else ("record", component.record_kind))
        stages = len(component.per_stage) if component.per_stage else 1
        counts.append(ComponentCount(component.title, component.min_count * stages,
                                     counted.get(kind, 0)))
    return tuple(counts)


def _progress(row: Row, today: date, facts: dict) -> Progress:
    """The facts about one row of `queries.candidates` (a candidate without a portfolio
    yet has none)."""
    if row.portfolio_id is None:
        return Progress()
    building = row.state in BUILDING
    deferred = row.decision_outcome == Outcome.DEFERRED.value
    return Progress(
        overdue_review_points=tuple(facts["overdue"][row.portfolio_id]),
        time_passed=time_passed(row.start_date, row.programme.duration_months,
                                row.extension_days, today),
        components=component_counts(row.programme, facts["counted"][row.portfolio_id])
        if building else None,
        domains_not_on_track=tuple(facts["domains"][row.portfolio_id]),
        support_plan_opened_on=row.plan_opened_on,
        deferred_evidence_due_on=row.evidence_due_on if deferred else None)


def _facts(cohort_ids: list[int], points_due: list[DuePoint]) -> dict:
    """The rows the rules read, by portfolio: overdue review points, domains not on
    track, and the counts of the portfolios still being built (none for one that has
    nothing yet)."""
    overdue, domains, counted = defaultdict(list), defaultdict(list), defaultdict(dict)
    for point in points_due:
        if point.overdue:
            overdue[point.portfolio_id].append((point.title, point.due_on))
    for domain in queries.domains_not_on_track(cohort_ids):
        domains[domain.portfolio_id].append(element_name(domain.code, domain.title))
    for count in queries.component_counts(cohort_ids):
        counted[count.portfolio_id][(count.source, count.kind)] = count.number
    return {"overdue": overdue, "domains": domains, "counted": counted}


def _review_points(cohort_ids: list[int], today: date) -> list[DuePoint]:
    rows = queries.review_points_due(cohort_ids, today + timedelta(days=REVIEW_WINDOW_DAYS))
    return [DuePoint(row.portfolio_id, row.name, row.title, row.due_on, row.optional,
                     overdue=not row.optional and row.due_on < today)
            for row in rows]


def _workload(organisation_id: int, today: date) -> list[Workload]:
    return [
        Workload(row.assessor_id, row.name, row.candidates, row.feedback_waiting,
                 (today - row.waiting_since.astimezone(UK).date()).days
                 if row.waiting_since else None,
                 row.overdue_reports)
        for row in queries.assessor_workload(organisation_id, today, ASSESSMENT_DAYS)
    ]


def lead_dashboard(organisation_id: int, today: date) -> Dashboard:
    """Everything the lead's home shows: nine statements whatever the size of the
    cohorts (once the programmes' configurations are cached)."""
    cohort_rows = home_queries.cohort_overview(organisation_id)
    cohort_ids = [cohort.id for cohort, _members in cohort_rows]
    points = _review_points(cohort_ids, today)
    facts = _facts(cohort_ids, points)
    statuses = [
        CandidateStatus(row.cohort_id, row.candidate_id, row.name, row.portfolio_id,
                        assess(_progress(row, today, facts)))
        for row in queries.candidates(cohort_ids)
    ]
    by_cohort: dict[int, Counter] = defaultdict(Counter)
    for candidate in statuses:
        by_cohort[candidate.cohort_id][candidate.status] += 1
    attention = sorted((c for c in statuses if c.status != Status.ON_TRACK),
                       key=lambda c: -c.status)
    return Dashboard(
        cohorts=[CohortStatus(cohort, members, by_cohort[cohort.id])
                 for cohort, members in cohort_rows],
        needing_attention=attention,
        overdue_review_points=[p for p in points if p.overdue],
        upcoming_review_points=[p for p in points if p.due_on >= today],
        reports_waiting=list(queries.reports_waiting_for_line_manager(cohort_ids)),
        ready_for_panel=list(queries.ready_for_panel(cohort_ids)),
        next_panels=list(queries.next_panels(organisation_id, today)),
        workload=_workload(organisation_id, today),
        counts=Counter(c.status for c in statuses))
