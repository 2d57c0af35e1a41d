"""The assessor's and line manager's work queue, and their candidates' overviews."""

from dataclasses import dataclass

from flask import Blueprint, abort, request
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.models import Observation
from portal.assessment.queue import work_queue as queue
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.access import requires_role
from portal.core.dates import start_of_day_in_england, today_in_england
from portal.core.db import db
from portal.core.htmx import render
from portal.core.pagination import Page, requested_page
from portal.evidence.models import EvidenceEntry
from portal.portfolios.models import Portfolio, PortfolioEntry
from portal.portfolios.views import review_point_status
from portal.visibility import Kind, Relation, viewer

bp = Blueprint("assess", __name__, url_prefix="/assess")
staff_only = requires_role(Role.ASSESSOR, Role.LINE_MANAGER)


@dataclass
class QueueFilters:
    sort: str
    kind: str

    @classmethod
    def from_request(cls) -> "QueueFilters":
        """Unknown values fall back to the defaults rather than failing."""
        sort = request.args.get("sort", "due")
        kind = request.args.get("kind", "")
        return cls(sort=sort if sort in queue.SORTS else "due",
                   kind=kind if kind in queue.KIND_LABELS else "")


QUEUE_PAGE_SIZE = 50


@bp.route("/")
@staff_only
def index():
    filters = QueueFilters.from_request()
    today = today_in_england()
    kinds = queue.kinds_for(current_user)
    caseload, items = queue.work_queue(current_user, today)
    shown = queue.sort_queue([item for item in items
                              if not filters.kind or item.kind == filters.kind], filters.sort)
    # A large caseload is shown a page at a time.
    number = requested_page()
    page = Page(items=shown[(number - 1) * QUEUE_PAGE_SIZE:number * QUEUE_PAGE_SIZE],
                page=number, per_page=QUEUE_PAGE_SIZE, total=len(shown))
    return render("assess/queue.html", page=page, summary=queue.summarise(caseload, items, today),
                  filters=filters, sorts=queue.SORTS, kinds=kinds, today=today,
                  caseload=caseload)


@bp.route("/candidates")
@staff_only
def candidates():
    rows = db.session.execute(
        select(Assignment, User)
        .join(User, Assignment.candidate_id == User.id)
        .where(Assignment.staff_id == current_user.id,
               Assignment.organisation_id == current_user.organisation_id)
        .order_by(User.name, Assignment.started_on)
    ).all()
    current: dict[int, dict] = {}
    for assignment, candidate in rows:
        if assignment.current and _role_held(assignment.role):
            entry = current.setdefault(candidate.id, {"candidate": candidate, "roles": []})
            entry["roles"].append(assignment)
    previous: dict[int, dict] = {}
    for assignment, candidate in rows:
        # Only a previous assessor keeps (read-only) access; a previous line manager does not.
        if (assignment.current or candidate.id in current
                or assignment.role != AssignmentRole.ASSESSOR.value
                or not current_user.has_role(Role.ASSESSOR)):
            continue
        entry = previous.setdefault(candidate.id, {"candidate": candidate, "roles": []})
        entry["roles"].append(assignment)
    return render("assess/candidates.html", current=list(current.values()),
                  previous=list(previous.values()))


def _role_held(assignment_role: str) -> bool:
    wanted = (Role.ASSESSOR if assignment_role == AssignmentRole.ASSESSOR.value
              else Role.LINE_MANAGER)
    return current_user.has_role(wanted)


def get_assigned_candidate_or_404(candidate_id: int) -> tuple[User, dict]:
    """The candidate if the signed-in person assesses them (now or before), manages them
    now or leads their council's programmes, with what they may do and read (the
    visibility table); otherwise the candidate does not exist for them."""
    candidate = db.session.get(User, candidate_id)
    if candidate is None or candidate.organisation_id != current_user.organisation_id:
        abort(404)
    seen_by = viewer(current_user, candidate.id)
    assessing = Relation.ASSESSOR in seen_by.relations
    managing = Relation.LINE_MANAGER in seen_by.relations
    assessed_before = Relation.PREVIOUS_ASSESSOR in seen_by.relations
    leading = Relation.PROGRAMME_LEAD in seen_by.relations
    if not (assessing or managing or assessed_before or leading):
        abort(404)
    return candidate, {"assessing": assessing, "managing": managing, "leading": leading,
                       "read_only": not (assessing or managing),
                       "sees_evidence": seen_by.can_read(Kind.EVIDENCE),
                       "sees_observations": seen_by.can_read(Kind.OBSERVATION),
                       "entries_before": seen_by.made_before(Kind.EVIDENCE),
                       "observations_before": seen_by.made_before(Kind.OBSERVATION)}


def made_before(statement, created_at, day):
    """Only what was written before `day`, if there is one (a previous assessor's cut)."""
    if day is None:
        return statement
    return statement.where(created_at < start_of_day_in_england(day))


@bp.route("/candidates/<int:candidate_id>")
@requires_role(Role.ASSESSOR, Role.LINE_MANAGER, Role.PROGRAMME_LEAD)
def candidate(candidate_id: int):
    candidate, access = get_assigned_candidate_or_404(candidate_id)
    portfolios = db.session.scalars(
        select(Portfolio).where(Portfolio.candidate_id == candidate.id)
        .options(selectinload(Portfolio.review_points), selectinload(Portfolio.programme))
        .order_by(Portfolio.start_date.desc(), Portfolio.id.desc())
    ).all()
    entries, observations = [], []
    if access["sees_observations"]:
        observations = db.session.scalars(made_before(
            select(Observation).where(Observation.candidate_id == candidate.id)
            .order_by(Observation.observed_on.desc(), Observation.id.desc()),
            Observation.created_at, access["observations_before"])
        ).all()
    if access["sees_evidence"]:
        in_a_portfolio = (
            select(PortfolioEntry.entry_id)
            .join(Portfolio, Portfolio.id == PortfolioEntry.portfolio_id)
            .where(Portfolio.candidate_id == candidate.id)
        )
        entries = db.session.scalars(made_before(
            select(EvidenceEntry)
            .where(EvidenceEntry.candidate_id == candidate.id,
                   EvidenceEntry.id.in_(in_a_portfolio))
            .order_by(EvidenceEntry.occurred_on.desc(), EvidenceEntry.id.desc()),
            EvidenceEntry.created_at, access["entries_before"])
        ).all()
    today = today_in_england()
    return render("assess/candidate.html", candidate=candidate, access=access,
                  portfolios=portfolios, entries=entries, observations=observations,
                  today=today, review_point_status=review_point_status)
