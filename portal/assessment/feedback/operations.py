"""The feedback thread on an evidence entry, between the candidate and their assessor.

Only the candidate and their *current* assessor write; a previous assessor still reads the
thread on the entry's page. Only the current assessor may accept an entry as evidence of
one of the framework elements it links to, or ask for more evidence.
"""

from sqlalchemy import select, text, update
from sqlalchemy.orm import selectinload

from portal.accounts.models import User
from portal.assessment.models import EvidenceFeedback, FeedbackKind
from portal.assignments.access import assesses, current_staff
from portal.assignments.models import AssignmentRole
from portal.core import audit
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, FeedbackStatus
from portal.notifications.operations import notify

MESSAGE_MAX = 5000


class FeedbackError(ValueError):
    """A message that cannot be added, with a message fit to show and the field it is about."""

    def __init__(self, message: str, field: str = "body"):
        super().__init__(message)
        self.field = field


def thread(entry: EvidenceEntry) -> list[EvidenceFeedback]:
    """The entry's messages, oldest first, with authors and elements loaded."""
    return list(db.session.scalars(
        select(EvidenceFeedback)
        .where(EvidenceFeedback.entry_id == entry.id)
        .options(selectinload(EvidenceFeedback.author), selectinload(EvidenceFeedback.element))
        .order_by(EvidenceFeedback.created_at, EvidenceFeedback.id)
    ))


def is_current_assessor(user: User, entry: EvidenceEntry) -> bool:
    return user.is_authenticated and user.id != entry.candidate_id and assesses(
        user, entry.candidate_id)


def can_post(user: User, entry: EvidenceEntry) -> bool:
    """The candidate who owns the entry, or their current assessor."""
    if not user.is_authenticated:
        return False
    return entry.candidate_id == user.id or is_current_assessor(user, entry)


def linked_elements(entry: EvidenceEntry):
    """The framework elements the entry links to: the only ones it can be accepted for."""
    return [link.element for link in entry.links]


def add_message(actor: User, entry: EvidenceEntry, body: str,
                kind: FeedbackKind = FeedbackKind.COMMENT,
                element_id: int | None = None) -> EvidenceFeedback:
    """Add a message to the entry's thread and tell the other party (flushed, not committed).

    A candidate's message is always a plain comment, whatever else was sent: only the
    current assessor's `kind` and `element_id` count.
    """
    if not can_post(actor, entry):
        raise PermissionError("only the candidate or their current assessor may write")
    body = (body or "").strip()
    if not body:
        raise FeedbackError("Enter a message")
    if len(body) > MESSAGE_MAX:
        raise FeedbackError(f"Message must be {MESSAGE_MAX:,} characters or fewer")
    from_assessor = actor.id != entry.candidate_id
    if not from_assessor:
        kind, element_id = FeedbackKind.COMMENT, None
    kind = FeedbackKind(kind)
    if kind == FeedbackKind.ACCEPTED:
        allowed = {link.element_id for link in entry.links}
        if element_id is None or element_id not in allowed:
            raise FeedbackError("Select the framework element this entry is evidence of",
                                "element_id")
    else:
        element_id = None
    # The entry's row first: its update locks the row, so two people writing at once take
    # turns, and the later message (stamped after the lock) sets the status that stays.
    _record_feedback_status(entry, FeedbackStatus.AWAITING_CANDIDATE if from_assessor
                            else FeedbackStatus.AWAITING_ASSESSOR)
    message = EvidenceFeedback(entry_id=entry.id, author_id=actor.id, kind=kind.value,
                               element_id=element_id, body=body)
    db.session.add(message)
    db.session.flush()
    # Identifiers only: the message itself may be about the people the candidate works with.
    audit.record(actor, "evidence_feedback_added", entry, feedback_id=message.id,
                 kind=kind.value, element_id=element_id)
    _tell_the_other_party(actor, entry, from_assessor)
    return message


def _record_feedback_status(entry: EvidenceEntry, status: FeedbackStatus) -> None:
    """Whose turn it is now, for the work queue. The entry's updated_at stays as it was:
    it says when the candidate last changed their entry, and "Recently changed" sorts by
    it."""
    db.session.execute(
        update(EvidenceEntry).where(EvidenceEntry.id == entry.id)
        .values(feedback_status=status.value, updated_at=EvidenceEntry.updated_at))


# The migration's rule: the thread's latest message (by time, then id) decides.
_FILL_FEEDBACK_STATUS = text(
    "UPDATE evidence_entry SET feedback_status = CASE WHEN ("
    "SELECT f.author_id FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id "
    "ORDER BY f.created_at DESC, f.id DESC LIMIT 1) = evidence_entry.candidate_id "
    "THEN 'awaiting_assessor' ELSE 'awaiting_candidate' END "
    "WHERE EXISTS (SELECT 1 FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id)")


def fill_feedback_status(connection) -> None:
    """Set every entry's feedback_status from its thread, for threads written in bulk
    without add_message (the benchmark's seed)."""
    connection.execute(_FILL_FEEDBACK_STATUS)


def _tell_the_other_party(actor: User, entry: EvidenceEntry, from_assessor: bool) -> None:
    link = f"/evidence/{entry.id}"
    if from_assessor:
        notify(entry.candidate_id, "Your assessor replied about an entry", link)
        return
    assessor = current_staff(entry.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, f"{actor.name} replied about an evidence entry", link)
