"""Who may see a candidate's work: the candidate, and staff assigned to them.

An assessor sees the candidates assigned to them now, and (read-only) those assigned to
them before. A line manager sees their current candidates' portfolios, not the evidence
log's reflections.
"""

from datetime import date

from sqlalchemy import exists, func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.db import db


def _assigned(staff: User, candidate_id: int, role: AssignmentRole, include_past: bool) -> bool:
    if not staff.is_authenticated:
        return False
    query = select(Assignment.id).where(
        Assignment.staff_id == staff.id, Assignment.candidate_id == candidate_id,
        Assignment.role == role.value, Assignment.organisation_id == staff.organisation_id,
    )
    if not include_past:
        query = query.where(Assignment.ended_on.is_(None))
    return db.session.scalar(select(exists(query))) or False


def assesses(staff: User, candidate_id: int, include_past: bool = False) -> bool:
    """The user is (or, with include_past, was) this candidate's assessor."""
    return staff.has_role(Role.ASSESSOR) and _assigned(
        staff, candidate_id, AssignmentRole.ASSESSOR, include_past)


def last_assessed_on(staff: User, candidate_id: int) -> date | None:
    """The day the user's most recent (ended) assignment as this candidate's assessor
    ended, or None if they never assessed them before."""
    if not staff.is_authenticated or not staff.has_role(Role.ASSESSOR):
        return None
    return db.session.scalar(select(func.max(Assignment.ended_on)).where(
        Assignment.staff_id == staff.id, Assignment.candidate_id == candidate_id,
        Assignment.role == AssignmentRole.ASSESSOR.value,
        Assignment.organisation_id == staff.organisation_id,
        Assignment.ended_on.is_not(None)))


def manages(staff: User, candidate_id: int) -> bool:
    """The user is this candidate's current line manager."""
    return staff.has_role(Role.LINE_MANAGER) and _assigned(
        staff, candidate_id, AssignmentRole.LINE_MANAGER, include_past=False)


def current_staff(candidate_id: int, role: AssignmentRole) -> User | None:
    return db.session.scalar(
        select(User).join(Assignment, Assignment.staff_id == User.id).where(
            Assignment.candidate_id == candidate_id, Assignment.role == role.value,
            Assignment.ended_on.is_(None)))
