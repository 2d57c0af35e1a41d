"""One work queue per assessor or line manager: what their candidates need from them.

Each kind of work is one query over all of the person's current candidates at once, so the
number of queries stays the same whatever the caseload.
"""

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import get_template_attribute, url_for
from markupsafe import Markup
from markupsafe import escape as escape_text
from sqlalchemy import (
    Date,
    Integer,
    String,
    and_,
    bindparam,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    union_all,
)

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.models import (
    Assignment,
    AssignmentRole,
    Observation,
    ObservationState,
)
from portal.core.db import db
from portal.core.types import UTCDateTime
from portal.evidence.models import EvidenceEntry
from portal.portfolios.models import (
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    PortfolioState,
)

UK = ZoneInfo("Europe/London")
FEEDBACK_DAYS = 14  # evidence put in a portfolio should have feedback within two weeks
REVIEW_WINDOW_DAYS = 28  # review points show up this long before they are due
ASSESSMENT_DAYS = 14  # a panel submission without a review date: assess within two weeks
WRITE_UP_DAYS = 14  # an observation should be written up within two weeks of the visit


# The caseload's own rows in the queue's query.
CASELOAD = "caseload"


class Kind:
    EVIDENCE = "evidence"
    REVIEW = "review"
    SUBMISSION = "submission"
    OBSERVATION = "observation"


KIND_LABELS = {
    Kind.EVIDENCE: "Evidence awaiting feedback",
    Kind.REVIEW: "Review point",
    Kind.SUBMISSION: "Submission awaiting assessment",
    Kind.OBSERVATION: "Observation to write up",
}
KIND_ORDER = list(KIND_LABELS)

SORTS = {
    "due": "Due date (soonest first)",
    "candidate": "Candidate name",
    "kind": "Kind of work",
}


# Plain tuples, not frozen dataclasses: a caseload's queue builds a few hundred items on
# every request, and a frozen dataclass sets each field through object.__setattr__.
class CandidateRef(NamedTuple):
    id: int
    name: str


class Link(NamedTuple):
    """A URL built only when shown: a queue holds every item, but a page shows 50, and
    building hundreds of URLs was a tenth of the queue's time."""

    endpoint: str
    arg: str
    value: int

    def __str__(self) -> str:
        return url_for(self.endpoint, **{self.arg: self.value})


class QueueItem(NamedTuple):
    kind: str
    candidate: CandidateRef
    needed: str
    due_on: date
    href: Link | str
    link_text: str

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def overdue(self, today: date) -> bool:
        return self.due_on < today


@dataclass
class Caseload:
    """The person's current candidates, by the role they hold for each."""

    assessed: dict[int, CandidateRef]
    managed: dict[int, CandidateRef]

    @property
    def all(self) -> dict[int, CandidateRef]:
        return {**self.managed, **self.assessed}


# The queue's statements are built once with bound parameters: building and keying them
# afresh on every request cost more than running them.
def _assignments(roles: tuple[str, ...]):
    """The signed-in person's current assignments in `roles`, to candidates of their own
    organisation."""
    organisation_id = bindparam("organisation_id")
    return (
        select(Assignment.candidate_id)
        .join(User, Assignment.candidate_id == User.id)
        .where(Assignment.staff_id == bindparam("staff_id"), Assignment.ended_on.is_(None),
               Assignment.organisation_id == organisation_id,
               User.organisation_id == organisation_id, _one_of(Assignment.role, roles))
    )


def _caseload_rows(roles: tuple[str, ...]):
    """The caseload itself, as rows of the queue's shape: (\"caseload\", candidate, -,
    role, name, -, -)."""
    return (_assignments(roles).with_only_columns(
        *(column.label(name) for name, column in zip(_COLUMN_NAMES, (
            cast(literal(CASELOAD), String), Assignment.candidate_id, _no_id(),
            cast(Assignment.role, String), User.name, _no_day(), _no_moment()), strict=True)),
        maintain_column_froms=True))


def _one_of(column, values: tuple[str, ...]):
    """`column` equal to one of a few fixed values. Not IN: SQLAlchemy expands an IN list
    into its parameters afresh on every execution, a cost the queue paid three times."""
    return or_(*(column == value for value in values))


def _held_roles(staff: User) -> tuple[str, ...]:
    held = []
    if staff.has_role(Role.ASSESSOR):
        held.append(AssignmentRole.ASSESSOR.value)
    if staff.has_role(Role.LINE_MANAGER):
        held.append(AssignmentRole.LINE_MANAGER.value)
    return tuple(held)


def _uk_date(moment) -> date:
    return moment.astimezone(UK).date()


def _evidence_awaiting_feedback(assessed):
    """Entries in a candidate's portfolio with no feedback yet, or whose latest message is
    the candidate's reply (last_feedback_from, kept by the feedback thread).

    The caseload's portfolio entries come first, grouped on their own: PostgreSQL then
    looks only at entries in a portfolio, not at every entry the candidates wrote."""
    in_portfolio = (
        select(PortfolioEntry.entry_id, Portfolio.candidate_id,
               func.min(PortfolioEntry.added_at).label("added_at"))
        .join(Portfolio, Portfolio.id == PortfolioEntry.portfolio_id)
        .where(Portfolio.candidate_id.in_(assessed), PortfolioEntry.awaiting_feedback)
        .group_by(PortfolioEntry.entry_id, Portfolio.candidate_id)
        .subquery()
    )
    last_from = EvidenceEntry.last_feedback_from
    return (
        _columns(Kind.EVIDENCE, EvidenceEntry.candidate_id, EvidenceEntry.id,
                 EvidenceEntry.title, cast(last_from, String), _no_day(),
                 in_portfolio.c.added_at)
        .select_from(EvidenceEntry)
        .join(in_portfolio, and_(in_portfolio.c.entry_id == EvidenceEntry.id,
                                 in_portfolio.c.candidate_id == EvidenceEntry.candidate_id))
        .where(or_(last_from.is_(None), last_from == "candidate"))
    )


def _evidence_item(candidate: CandidateRef, entry_id, title, last_from, _day, added_at):
    needed = (f"Read the reply about \u2018{title}\u2019" if last_from is not None
              else f"Give feedback on \u2018{title}\u2019")
    return QueueItem(Kind.EVIDENCE, candidate, needed,
                     _uk_date(added_at) + timedelta(days=FEEDBACK_DAYS),
                     Link("evidence.show", "entry_id", entry_id), f"Open \u2018{title}\u2019")


# Every kind of work is one branch of a UNION ALL of the same seven columns -- (kind,
# candidate, entry, portfolio or observation id, text, more text, day, moment) -- so the
# whole queue is one round trip.
def _review_points_due(everyone):
    """Review points not yet completed that are due within four weeks or overdue."""
    return (
        _columns(Kind.REVIEW, Portfolio.candidate_id, Portfolio.id, PortfolioReviewPoint.title,
                 _no_text(), PortfolioReviewPoint.due_on, _no_moment())
        .join(Portfolio, Portfolio.id == PortfolioReviewPoint.portfolio_id)
        .where(Portfolio.candidate_id.in_(everyone),
               PortfolioReviewPoint.completed_on.is_(None),
               PortfolioReviewPoint.due_on <= bindparam("review_horizon"))
    )


def _review_item(candidate: CandidateRef, portfolio_id, title, _more, due_on, _moment):
    return QueueItem(Kind.REVIEW, candidate, f"Hold and record the {title[:1].lower()}{title[1:]}",
                     due_on, Link("portfolios.show", "portfolio_id", portfolio_id),
                     "Open portfolio")


def _submissions_awaiting_assessment(assessed):
    """Portfolios submitted for a review point or the panel, not yet being assessed."""
    return (
        _columns(Kind.SUBMISSION, Portfolio.candidate_id, Portfolio.id, Portfolio.state,
                 PortfolioReviewPoint.title, PortfolioReviewPoint.due_on,
                 PortfolioSnapshot.submitted_at)
        .join(PortfolioSnapshot, PortfolioSnapshot.id == Portfolio.current_snapshot_id)
        .outerjoin(PortfolioReviewPoint, and_(
            PortfolioReviewPoint.portfolio_id == Portfolio.id,
            PortfolioReviewPoint.code == PortfolioSnapshot.review_point_code))
        .where(Portfolio.candidate_id.in_(assessed),
               _one_of(Portfolio.state, (PortfolioState.SUBMITTED_FOR_REVIEW.value,
                                         PortfolioState.SUBMITTED_FOR_PANEL.value)))
    )


def _submission_item(candidate: CandidateRef, portfolio_id, state, point_title, point_due,
                     submitted_at):
    if state == PortfolioState.SUBMITTED_FOR_PANEL.value:
        needed = "Assess the portfolio submitted for the panel"
    else:
        needed = f"Assess the portfolio submitted for the {point_title or 'review'}"
    due_on = point_due or _uk_date(submitted_at) + timedelta(days=ASSESSMENT_DAYS)
    return QueueItem(Kind.SUBMISSION, candidate, needed, due_on,
                     Link("portfolios.show", "portfolio_id", portfolio_id), "Open portfolio")


def _observations_to_write_up(assessed):
    """Observations this person made that are still a draft or await their sign-off."""
    return (
        _columns(Kind.OBSERVATION, Observation.candidate_id, Observation.id,
                 Observation.state, Observation.setting, Observation.observed_on, _no_moment())
        .where(Observation.observer_id == bindparam("staff_id"),
               Observation.candidate_id.in_(assessed),
               _one_of(Observation.state, (ObservationState.DRAFT.value,
                                           ObservationState.COMPLETED.value)))
    )


def _observation_item(candidate: CandidateRef, observation_id, state, setting, observed_on,
                      _moment):
    verb = "Write up" if state == ObservationState.DRAFT.value else "Sign off"
    return QueueItem(
        Kind.OBSERVATION, candidate,
        f"{verb} the observation of {observed_on.day} {observed_on:%B %Y} ({setting})",
        observed_on + timedelta(days=WRITE_UP_DAYS),
        Link("observations.show", "observation_id", observation_id), "Open observation")


_ITEM_BUILDERS = {Kind.EVIDENCE: _evidence_item, Kind.REVIEW: _review_item,
                  Kind.SUBMISSION: _submission_item, Kind.OBSERVATION: _observation_item}
_COLUMN_NAMES = ("kind", "candidate_id", "ref_id", "text", "more_text", "day", "moment")


def _columns(kind: str, *columns):
    """A SELECT of the shared seven columns, each named, so one branch alone reads too."""
    return select(*(column.label(name) for name, column in
                    zip(_COLUMN_NAMES, (cast(literal(kind), String), *columns), strict=True)))


def _no_text():
    return cast(null(), String)


def _no_id():
    return cast(null(), Integer)


def _no_day():
    return cast(null(), Date)


def _no_moment():
    return cast(null(), UTCDateTime())


@functools.cache
def _queue_statement(roles: tuple[str, ...]):
    """The caseload and all its work in one UNION ALL. Assessors get all four kinds for
    the candidates they assess; line managers the review points of those they manage."""
    everyone = _assignments(roles)
    branches = [_review_points_due(everyone), _caseload_rows(roles)]
    if AssignmentRole.ASSESSOR.value in roles:
        assessed = _assignments((AssignmentRole.ASSESSOR.value,))
        # Submissions first: a UNION takes its column types from its first SELECT, and
        # theirs include the submission time's (time-zone aware) type.
        branches[:0] = [_submissions_awaiting_assessment(assessed),
                        _evidence_awaiting_feedback(assessed),
                        _observations_to_write_up(assessed)]
    return union_all(*branches)


class Queue(NamedTuple):
    caseload: Caseload
    rows: list  # the work, as plain rows of the shared seven columns


def read_queue(staff: User, today: date) -> Queue:
    """The person's current candidates and everything they need from them: one query."""
    roles = _held_roles(staff)
    if not roles:
        return Queue(Caseload(assessed={}, managed={}), [])
    # all(), not iteration: iterating a result fetches row by row from the driver.
    found = db.session.execute(_queue_statement(roles), {
        "staff_id": staff.id, "organisation_id": staff.organisation_id,
        "review_horizon": today + timedelta(days=REVIEW_WINDOW_DAYS)}).all()
    caseload, rows = Caseload(assessed={}, managed={}), []
    for row in found:
        if row[0] == CASELOAD:
            _kind, candidate_id, _id, role, name, _day, _moment = row
            target = (caseload.assessed if role == AssignmentRole.ASSESSOR.value
                      else caseload.managed)
            target[candidate_id] = CandidateRef(candidate_id, name)
        else:
            rows.append(row)
    return Queue(caseload, rows)


def _builder(caseload: Caseload):
    everyone = caseload.all

    def item(row: Sequence) -> QueueItem:
        kind, candidate_id, *rest = row
        return _ITEM_BUILDERS[kind](everyone[candidate_id], *rest)
    return item


def work_queue(staff: User, today: date) -> tuple[Caseload, list[QueueItem]]:
    """The person's caseload and everything its candidates need from them, unsorted."""
    queue = read_queue(staff, today)
    return queue.caseload, list(map(_builder(queue.caseload), queue.rows))


# Orders a worker keeps: one per person and choice of sort and filter, a few KB each.
ORDERS_KEPT = 1024


class QueuePage(NamedTuple):
    items: list[QueueItem]
    total: int  # every item, whatever the filter
    shown: int  # the items the filter keeps, over every page
    caseload: Caseload


def queue_page(staff: User, today: date, sort: str, kind: str, start: int,
               stop: int) -> QueuePage:
    """Items `start` to `stop` of the queue, sorted by `sort` and keeping only `kind`
    (all kinds when empty), with the totals.

    The order is worked out once per distinct set of rows (the caseload's names among
    them), day and choice, and kept as positions in the rows: a caseload's queue has
    hundreds of items, and building and sorting them all for every page was most of the
    queue's own work. The key holds a hash of the rows, not their titles and names, so
    the memo keeps no one's words; only the page's own items are built, from the rows
    just read."""
    queue = read_queue(staff, today)
    caseload, rows = queue.caseload, queue.rows
    order = _ordered_positions(rows, caseload, sort, kind)
    item = _builder(caseload)
    return QueuePage([item(rows[position]) for position in order[start:stop]],
                     total=len(rows), shown=len(order), caseload=caseload)


def _ordered_positions(rows: Sequence[tuple], caseload: Caseload, sort: str,
                       kind: str) -> list[int]:
    items = list(map(_builder(caseload), rows))
    positions = sorted(range(len(items)), key=sort_key(sort, items))
    return [position for position in positions if not kind or items[position].kind == kind]


def _by_due(item: QueueItem):
    return (item.due_on, item.candidate.name.lower(), KIND_ORDER.index(item.kind),
            item.needed)


def _by_candidate(item: QueueItem):
    return (item.candidate.name.lower(), *_by_due(item))


def _by_kind(item: QueueItem):
    return (KIND_ORDER.index(item.kind), *_by_due(item))


_SORT_KEYS = {"due": _by_due, "candidate": _by_candidate, "kind": _by_kind}


def sort_key(sort: str, items: list[QueueItem]):
    """The key that orders positions in `items` by `sort` (due date when unknown)."""
    by = _SORT_KEYS.get(sort, _by_due)
    return lambda position: by(items[position])


# The queue's rows, drawn in Python --------------------------------------------------------
def _link_url(link: "Link | str", makers: dict) -> str:
    if not isinstance(link, Link):
        return str(link)
    maker = makers.get((link.endpoint, link.arg))
    if maker is None:
        maker = makers[(link.endpoint, link.arg)] = (
            lambda value, link=link: url_for(link.endpoint, **{link.arg: value}))
    return maker(link.value)



def rows_html(items: list[QueueItem], today: date) -> Markup:
    """The table rows for a page of the queue. Fifty rows of a dozen values each made the
    template the queue's largest cost. Every value goes through `escape`, as Jinja's
    autoescaping would; the Overdue tag is the GOV.UK macro's own (memoised) output."""
    from portal.core.template_helpers import uk_date

    overdue_tag = " " + get_template_attribute(
        "govuk_frontend_jinja/components/tag/macro.html", "govukTag")(
        {"text": "Overdue", "classes": "govuk-tag--red"})
    candidate_url_of = lambda candidate_id: url_for(  # noqa: E731
        "assess.candidate", candidate_id=candidate_id)
    makers: dict[tuple[str, str], Callable[[int], str]] = {}
    rows = []
    for item in items:
        name = escape_text(item.candidate.name)
        candidate_url = escape_text(candidate_url_of(item.candidate.id))
        href = escape_text(_link_url(item.href, makers))
        rows.append(
            f'    <tr class="govuk-table__row" data-kind="{escape_text(item.kind)}">\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" href="{candidate_url}">'
            f'{name}</a></td>\n'
            '      <td class="govuk-table__cell"><span class="govuk-body-s govuk-!-display-block '
            f'govuk-!-margin-bottom-1">{escape_text(item.kind_label)}</span>{escape_text(item.needed)}'
            '</td>\n'
            '      <td class="govuk-table__cell"><span class="portal-nowrap">'
            f'{escape_text(uk_date(item.due_on))}</span>'
            f'{overdue_tag if item.overdue(today) else ""}</td>\n'
            f'      <td class="govuk-table__cell"><a class="govuk-link" href="{href}">'
            f'{escape_text(item.link_text)}<span class="govuk-visually-hidden"> for {name}</span>'
            '</a></td>\n'
            '    </tr>\n')
    return Markup("".join(rows))  # noqa: S704 (every value above is escaped)
