"""One work queue per assessor or line manager: what their candidates need from them.

The caseload is read first, then each kind of work is one query over all of its candidates
at once (portal.assessment.queue.queries), so the number of queries stays the same whatever the
caseload. The queue is built and sorted on every request.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from flask import url_for

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.models import ObservationState
from portal.assessment.queue import queries
from portal.assignments.models import AssignmentRole
from portal.evidence.models import FeedbackStatus
from portal.portfolios.models import PortfolioState

UK = ZoneInfo("Europe/London")
FEEDBACK_DAYS = 14  # evidence put in a portfolio should have feedback within two weeks
REVIEW_WINDOW_DAYS = 28  # review points show up this long before they are due
ASSESSMENT_DAYS = 14  # a panel submission without a review date: assess within two weeks
WRITE_UP_DAYS = 14  # an observation should be written up within two weeks of the visit
CONFIRM_DAYS = 14  # a line manager confirms a signed-off report's support within two weeks


class Kind:
    EVIDENCE = "evidence"
    REVIEW = "review"
    SUBMISSION = "submission"
    OBSERVATION = "observation"
    CONFIRMATION = "confirmation"


KIND_LABELS = {
    Kind.EVIDENCE: "Evidence awaiting feedback",
    Kind.REVIEW: "Review point",
    Kind.SUBMISSION: "Submission awaiting assessment",
    Kind.OBSERVATION: "Observation to write up",
    Kind.CONFIRMATION: "Report to confirm",
}
KIND_ORDER = list(KIND_LABELS)
# A line manager is asked only about review points and the reports they confirm.
LINE_MANAGER_KINDS = (Kind.REVIEW, Kind.CONFIRMATION)

SORTS = {
    "due": "Due date (soonest first)",
    "candidate": "Candidate name",
    "kind": "Kind of work",
}


@dataclass(frozen=True)
class CandidateRef:
    id: int
    name: str


@dataclass(frozen=True)
class QueueItem:
    kind: str
    candidate: CandidateRef
    needed: str
    due_on: date
    endpoint: str  # where the link goes: the endpoint and its values
    link_values: tuple[tuple[str, int], ...]
    link_text: str
    optional: bool = False  # an optional review point: shown when due, never overdue

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    @property
    def href(self) -> str:
        return url_for(self.endpoint, **dict(self.link_values))

    def overdue(self, today: date) -> bool:
        return not self.optional and self.due_on < today


@dataclass
class Caseload:
    """The person's current candidates, by the role they hold for each."""

    assessed: dict[int, CandidateRef]
    managed: dict[int, CandidateRef]

    @property
    def all(self) -> dict[int, CandidateRef]:
        return {**self.managed, **self.assessed}


def _held_roles(staff: User) -> list[str]:
    held = []
    if staff.has_role(Role.ASSESSOR):
        held.append(AssignmentRole.ASSESSOR.value)
    if staff.has_role(Role.LINE_MANAGER):
        held.append(AssignmentRole.LINE_MANAGER.value)
    return held


def current_caseload(staff: User) -> Caseload:
    """One query: the candidates currently assigned to `staff`, with their names."""
    caseload = Caseload(assessed={}, managed={})
    roles = _held_roles(staff)
    if not roles:
        return caseload
    for row in queries.caseload(staff, roles):
        target = (caseload.assessed if row.role == AssignmentRole.ASSESSOR.value
                  else caseload.managed)
        target[row.candidate_id] = CandidateRef(row.candidate_id, row.name)
    return caseload


def _uk_date(moment) -> date:
    return moment.astimezone(UK).date()


def evidence_awaiting_feedback(staff: User,
                               candidates: dict[int, CandidateRef]) -> list[QueueItem]:
    """Entries in a candidate's portfolio with no feedback yet, or whose thread ends with
    the candidate's reply (not those made from `staff`'s own observations)."""
    items = []
    for row in queries.evidence_awaiting_feedback(staff, list(candidates)):
        replied = row.feedback_status == FeedbackStatus.AWAITING_ASSESSOR.value
        needed = (f"Read the reply about \u2018{row.title}\u2019" if replied
                  else f"Give feedback on \u2018{row.title}\u2019")
        items.append(QueueItem(Kind.EVIDENCE, candidates[row.candidate_id], needed,
                               _uk_date(row.added_at) + timedelta(days=FEEDBACK_DAYS),
                               "evidence.show", (("entry_id", row.entry_id),),
                               f"Open \u2018{row.title}\u2019"))
    return items


def review_points_due(candidates: dict[int, CandidateRef], today: date) -> list[QueueItem]:
    """Review points not yet completed that are due within four weeks or overdue."""
    rows = queries.review_points_due(list(candidates), today + timedelta(days=REVIEW_WINDOW_DAYS))
    return [
        QueueItem(Kind.REVIEW, candidates[row.candidate_id],
                  f"Hold and record the {row.title[:1].lower()}{row.title[1:]}", row.due_on,
                  "portfolios.show", (("portfolio_id", row.portfolio_id),), "Open portfolio",
                  optional=row.optional)
        for row in rows
    ]


def submissions_awaiting_assessment(candidates: dict[int, CandidateRef]) -> list[QueueItem]:
    """Portfolios submitted for a review point or the panel, not yet being assessed."""
    items = []
    for row in queries.submissions_awaiting_assessment(list(candidates)):
        if row.state == PortfolioState.SUBMITTED_FOR_PANEL.value:
            needed = "Assess the portfolio submitted for the panel"
        else:
            needed = f"Assess the portfolio submitted for the {row.point_title or 'review'}"
        due_on = row.point_due or _uk_date(row.submitted_at) + timedelta(days=ASSESSMENT_DAYS)
        items.append(QueueItem(Kind.SUBMISSION, candidates[row.candidate_id], needed, due_on,
                               "portfolios.show", (("portfolio_id", row.portfolio_id),),
                               "Open portfolio"))
    return items


def observations_to_write_up(staff: User, candidates: dict[int, CandidateRef]) -> list[QueueItem]:
    """Observations this person made that are still a draft or await their sign-off."""
    items = []
    for row in queries.observations_to_write_up(staff, list(candidates)):
        verb = "Write up" if row.state == ObservationState.DRAFT.value else "Sign off"
        observed_on = row.observed_on
        items.append(QueueItem(
            Kind.OBSERVATION, candidates[row.candidate_id],
            f"{verb} the observation of {observed_on.day} {observed_on:%B %Y} ({row.setting})",
            observed_on + timedelta(days=WRITE_UP_DAYS),
            "observations.show", (("observation_id", row.observation_id),),
            "Open observation"))
    return items


def reports_to_confirm(candidates: dict[int, CandidateRef]) -> list[QueueItem]:
    """Signed-off review reports still waiting for the line manager's confirmation."""
    items = []
    for row in queries.reports_to_confirm(list(candidates)):
        report = f"{row.point_title or 'final'} report".lower()
        items.append(QueueItem(
            Kind.CONFIRMATION, candidates[row.candidate_id],
            f"Confirm supervision, protected time and workload in the {report}",
            _uk_date(row.signed_off_at) + timedelta(days=CONFIRM_DAYS),
            "reports.show", (("report_id", row.report_id),), "Open report"))
    return items


def work_queue(staff: User, today: date) -> tuple[Caseload, list[QueueItem]]:
    """The person's caseload and everything its candidates need from them, unsorted.

    Assessors get every kind but confirmations for the candidates they assess; line
    managers get the review points and the reports to confirm of the candidates they
    manage.
    """
    caseload = current_caseload(staff)
    items: list[QueueItem] = []
    if caseload.all:
        items += review_points_due(caseload.all, today)
    if caseload.assessed:
        items += evidence_awaiting_feedback(staff, caseload.assessed)
        items += submissions_awaiting_assessment(caseload.assessed)
        items += observations_to_write_up(staff, caseload.assessed)
    if caseload.managed:
        items += reports_to_confirm(caseload.managed)
    return caseload, items


def kinds_for(staff: User) -> dict[str, str]:
    """The kinds of work the person can be asked for, to filter their queue by."""
    if staff.has_role(Role.ASSESSOR):
        return KIND_LABELS
    return {kind: KIND_LABELS[kind] for kind in LINE_MANAGER_KINDS}


@dataclass(frozen=True)
class QueueSummary:
    """The numbers the home page and the queue page both show: one source for both."""

    candidates: int
    queue_items: int
    overdue: int


def summarise(caseload: Caseload, items: list[QueueItem], today: date) -> QueueSummary:
    return QueueSummary(candidates=len(caseload.all), queue_items=len(items),
                        overdue=sum(1 for item in items if item.overdue(today)))


def queue_summary(staff: User, today: date) -> QueueSummary:
    """The person's numbers, from the same work queue their queue page lists."""
    return summarise(*work_queue(staff, today), today)


def _by_due(item: QueueItem):
    return (item.due_on, item.candidate.name.lower(), KIND_ORDER.index(item.kind),
            item.needed)


def _by_candidate(item: QueueItem):
    return (item.candidate.name.lower(), *_by_due(item))


def _by_kind(item: QueueItem):
    return (KIND_ORDER.index(item.kind), *_by_due(item))


_SORT_KEYS = {"due": _by_due, "candidate": _by_candidate, "kind": _by_kind}


def sort_queue(items: list[QueueItem], sort: str) -> list[QueueItem]:
    """The items ordered by `sort` (due date when unknown)."""
    return sorted(items, key=_SORT_KEYS.get(sort, _by_due))
