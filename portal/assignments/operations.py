"""Assigning assessors and line managers to candidates, keeping the history."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assignments.models import Assignment, AssignmentRole
from portal.core import audit
from portal.core.db import db
from portal.notifications.operations import notify


class AssignmentError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


REQUIRED_ROLE = {AssignmentRole.ASSESSOR: Role.ASSESSOR,
                 AssignmentRole.LINE_MANAGER: Role.LINE_MANAGER}


def assign(actor: User, candidate: User, staff: User, role: AssignmentRole,
           on: date) -> Assignment:
    """Make `staff` the candidate's assessor or line manager from `on`, ending whoever
    held that role (their row is kept as history)."""
    if candidate.organisation_id != actor.organisation_id or not candidate.has_role(
            Role.CANDIDATE):
        raise AssignmentError("Select a candidate from your organisation", "candidate_id")
    if staff.organisation_id != actor.organisation_id or not staff.has_role(
            REQUIRED_ROLE[role]) or not staff.active:
        message = ("Choose an assessor from your organisation" if role == AssignmentRole.ASSESSOR
                   else "Choose a line manager from your organisation")
        raise AssignmentError(message, "staff_id")
    if staff.id == candidate.id:
        raise AssignmentError("A candidate cannot assess themselves", "staff_id")
    current = db.session.scalar(select(Assignment).where(
        Assignment.candidate_id == candidate.id, Assignment.role == role.value,
        Assignment.ended_on.is_(None)))
    if current is not None and current.staff_id == staff.id:
        raise AssignmentError(f"{staff.name} is already assigned", "staff_id")
    if current is not None:
        current.ended_on = max(on, current.started_on)
    assignment = Assignment(organisation_id=actor.organisation_id, candidate_id=candidate.id,
                            staff_id=staff.id, role=role.value, started_on=on,
                            assigned_by_id=actor.id)
    db.session.add(assignment)
    db.session.flush()
    audit.record(actor, "assigned", assignment, role=role.value, candidate_id=candidate.id,
                 staff_id=staff.id, replaced=current.staff_id if current else None)
    what = "assessor" if role == AssignmentRole.ASSESSOR else "line manager"
    notify(staff.id, f"You are now {candidate.name}'s {what}.", "/assess/")
    notify(candidate.id, f"{staff.name} is now your {what}.", "/home")
    return assignment


def end_assignment(actor: User, assignment: Assignment, on: date) -> None:
    if assignment.ended_on is not None:
        raise AssignmentError("This assignment has already ended")
    assignment.ended_on = max(on, assignment.started_on)
    db.session.flush()
    audit.record(actor, "assignment_ended", assignment, role=assignment.role,
                 candidate_id=assignment.candidate_id, staff_id=assignment.staff_id)
    what = "assessor" if assignment.role == AssignmentRole.ASSESSOR.value else "line manager"
    notify(assignment.staff_id, f"You are no longer {assignment.candidate.name}'s {what}.",
           "/assess/candidates")
    notify(assignment.candidate_id, f"{assignment.staff.name} is no longer your {what}.",
           "/home")
