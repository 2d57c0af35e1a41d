"""Recording that a social worker left the council or moved team.

Each function takes the person acting, checks the change, writes an audit row (ids, dates
and codes only), flushes and leaves the commit to the caller.
"""

from datetime import date

from sqlalchemy import case, func, select

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership, Team
from portal.reports.models import LeavingReason, LeavingRecord, TeamChange


class RetentionError(Exception):
    """A refused change, with a message fit to show and the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def started_on(candidate_id: int) -> date | None:
    """When the person started with the council, as far as the portal knows: the start of
    their first cohort, or the day they joined it if later (as their portfolio starts)."""
    start = case((CohortMembership.joined_on > Cohort.start_date, CohortMembership.joined_on),
                 else_=Cohort.start_date)
    return db.session.scalar(
        select(func.min(start)).join(Cohort, Cohort.id == CohortMembership.cohort_id)
        .where(CohortMembership.candidate_id == candidate_id))


def leaving_record(candidate_id: int) -> LeavingRecord | None:
    return db.session.scalar(select(LeavingRecord).where(
        LeavingRecord.candidate_id == candidate_id))


def _check_date(candidate: User, when: date, today: date, what: str, field: str) -> None:
    if when > today:
        raise RetentionError(f"The {what} must be today or in the past", field)
    start = started_on(candidate.id)
    if start is not None and when < start:
        raise RetentionError(f"The {what} must be on or after the day {candidate.name} "
                             f"started ({start:%-d %B %Y})", field)


def record_leaving(actor: User, candidate: User, left_on: date, reason: LeavingReason,
                   today: date) -> LeavingRecord:
    """Record (or correct) when and why `candidate` left the council."""
    reason = LeavingReason(reason)
    _check_date(candidate, left_on, today, "leaving date", "left_on")
    record = leaving_record(candidate.id)
    action = "leaving_corrected" if record else "leaving_recorded"
    before = {"left_on": record.left_on.isoformat(), "reason": record.reason} if record else {}
    if record is None:
        record = LeavingRecord(organisation_id=candidate.organisation_id,
                               candidate_id=candidate.id)
        db.session.add(record)
    record.left_on, record.reason, record.recorded_by_id = left_on, reason.value, actor.id
    db.session.flush()
    audit.record(actor, action, record, candidate_id=candidate.id,
                 left_on=left_on.isoformat(), reason=reason.value, before=before)
    return record


def record_team_change(actor: User, candidate: User, team_id: int, changed_on: date,
                       today: date) -> TeamChange:
    """Move `candidate` to another of their council's teams from `changed_on`."""
    team = db.session.get(Team, team_id)
    if team is None or team.organisation_id != candidate.organisation_id:
        raise RetentionError("Select one of your council's teams", "team_id")
    if team.id == candidate.team_id:
        raise RetentionError(f"{candidate.name} is already in {team.name}", "team_id")
    _check_date(candidate, changed_on, today, "date of the move", "changed_on")
    left = leaving_record(candidate.id)
    if left is not None and changed_on > left.left_on:
        raise RetentionError(f"{candidate.name} left on {left.left_on:%-d %B %Y}: a move "
                             "must be on or before that day", "changed_on")
    change = TeamChange(organisation_id=candidate.organisation_id, candidate_id=candidate.id,
                        from_team_id=candidate.team_id, to_team_id=team.id,
                        changed_on=changed_on, recorded_by_id=actor.id)
    db.session.add(change)
    candidate.team_id = team.id
    db.session.flush()
    audit.record(actor, "team_changed", change, candidate_id=candidate.id,
                 from_team_id=change.from_team_id, to_team_id=team.id,
                 changed_on=changed_on.isoformat())
    return change
