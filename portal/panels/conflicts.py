"""Conflicts of interest. The candidate, anyone who is or was their assessor (or wrote the
final report the panel reads) and their current line manager cannot sit on, or decide,
that candidate's agenda item. Worked out from the assignments each time, never stored,
so a reassignment counts at once."""

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.db import db
from portal.panels.models import AgendaItem, Panel
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport

REASONS = {
    "candidate": "is the candidate",
    "assessor": "is the candidate's assessor",
    "previous_assessor": "was the candidate's assessor",
    "line_manager": "is the candidate's line manager",
}


@dataclass(frozen=True)
class Conflict:
    item: AgendaItem
    person: User
    reason: str  # a key of REASONS

    @property
    def explained(self) -> str:
        return f"{self.person.name} {REASONS[self.reason]} ({self.item.reference})"


def conflicted_people(candidate_ids: set[int],
                      report_authors: dict[int, int | None] | None = None
                      ) -> dict[int, dict[int, str]]:
    """{candidate id: {person id: reason}} for these candidates, in one query.
    `report_authors` maps a candidate to the author of the report the panel reads."""
    found: dict[int, dict[int, str]] = {c: {c: "candidate"} for c in candidate_ids}
    if not candidate_ids:
        return found
    rows = db.session.execute(select(
        Assignment.candidate_id, Assignment.staff_id, Assignment.role, Assignment.ended_on)
        .where(Assignment.candidate_id.in_(candidate_ids))).all()
    for candidate_id, staff_id, role, ended_on in rows:
        if role == AssignmentRole.ASSESSOR.value:
            reason = "assessor" if ended_on is None else "previous_assessor"
        elif ended_on is None:
            reason = "line_manager"
        else:
            continue  # a former line manager has no say in the assessment
        # The candidate's own and a current role win over a past one.
        if found[candidate_id].get(staff_id) in (None, "previous_assessor"):
            found[candidate_id][staff_id] = reason
    for candidate_id, author_id in (report_authors or {}).items():
        if author_id is not None:
            found[candidate_id].setdefault(author_id, "assessor")
    return found


def item_conflicts(items: list[AgendaItem], people: list[User]) -> list[Conflict]:
    """Which of `people` have a conflict with which of the agenda `items`."""
    candidates = {item.portfolio.candidate_id for item in items}
    authors = {item.portfolio.candidate_id: item.report.assessor_id for item in items}
    conflicted = conflicted_people(candidates, authors)
    return [Conflict(item, person, conflicted[item.portfolio.candidate_id][person.id])
            for item in items for person in people
            if person.id in conflicted[item.portfolio.candidate_id]]


def panel_conflicts(panel: Panel) -> list[Conflict]:
    """Conflicts between the panel's members (the chair included) and its open items."""
    items = [item for item in panel.agenda if item.state == "waiting"]
    return item_conflicts(items, [member.user for member in panel.members])


def conflict_for(item: AgendaItem, person: User) -> str | None:
    """Why `person` may not sit on `item`, or None."""
    found = item_conflicts([item], [person])
    return found[0].reason if found else None


def conflicted_item_ids(panel: Panel, person: User) -> set[int]:
    """The panel's agenda items (taken off or not) `person` may not sit on, in two queries
    whatever the agenda's length: the agenda page lists them without a link."""
    rows = db.session.execute(
        select(AgendaItem.id, Portfolio.candidate_id, ReviewReport.assessor_id)
        .join(Portfolio, Portfolio.id == AgendaItem.portfolio_id)
        .join(ReviewReport, ReviewReport.id == AgendaItem.report_id)
        .where(AgendaItem.panel_id == panel.id)).all()
    conflicted = conflicted_people({candidate for _, candidate, _ in rows},
                                   {candidate: author for _, candidate, author in rows})
    return {item_id for item_id, candidate, _ in rows if person.id in conflicted[candidate]}
