"""Reading the feedback threads for other pages: when each entry was accepted as evidence."""

from datetime import datetime

from sqlalchemy import func, select

from portal.assessment.models import EvidenceFeedback, FeedbackKind
from portal.core.db import db


def accepted_at(entry_ids: list[int]) -> dict[int, datetime]:
    """When each entry was last accepted, for entries whose acceptance stands: a later
    request for more evidence withdraws it until the assessor accepts the entry again."""
    latest_accepted = func.max(EvidenceFeedback.created_at).filter(
        EvidenceFeedback.kind == FeedbackKind.ACCEPTED.value)
    latest_more_needed = func.max(EvidenceFeedback.created_at).filter(
        EvidenceFeedback.kind == FeedbackKind.MORE_NEEDED.value)
    rows = db.session.execute(
        select(EvidenceFeedback.entry_id, latest_accepted, latest_more_needed)
        .where(EvidenceFeedback.entry_id.in_(entry_ids),
               EvidenceFeedback.kind != FeedbackKind.COMMENT.value)
        .group_by(EvidenceFeedback.entry_id)).all()
    return {entry_id: accepted for entry_id, accepted, more_needed in rows
            if accepted is not None and (more_needed is None or more_needed < accepted)}
