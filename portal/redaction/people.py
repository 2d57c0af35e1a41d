"""The names the portal knows about one candidate: theirs, everyone ever assigned to assess
or line-manage them (a reflection may name a previous manager), their team and council."""

from sqlalchemy import select

from portal.accounts.models import User
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.db import db
from portal.redaction.known import KnownName
from portal.redaction.labels import Kind

STAFF_KINDS = {AssignmentRole.ASSESSOR.value: Kind.ASSESSOR,
               AssignmentRole.LINE_MANAGER.value: Kind.LINE_MANAGER}


def known_names(candidate: User,
                extra_staff: tuple[tuple[User, Kind], ...] = ()) -> list[KnownName]:
    """Every name to find in the candidate's writing; `extra_staff` adds people the caller
    knows of (a report's author who was never assigned)."""
    staff = db.session.execute(
        select(User.name, Assignment.role).join(Assignment, Assignment.staff_id == User.id)
        .where(Assignment.candidate_id == candidate.id).distinct()).all()
    names = [KnownName(candidate.name, Kind.CANDIDATE)]
    names += [KnownName(name, STAFF_KINDS[role]) for name, role in staff]
    names += [KnownName(person.name, kind) for person, kind in extra_staff]
    if candidate.team is not None:
        names.append(KnownName(candidate.team.name, Kind.TEAM))
    names.append(KnownName(candidate.organisation.name, Kind.COUNCIL))
    return list(dict.fromkeys(names))
