"""Telling someone in the portal that something needs them."""

from portal.core.db import db
from portal.notifications.models import Notification


def notify(recipient_id: int, message: str, link: str) -> Notification:
    """Add a notification (flushed, committed with the change that caused it)."""
    note = Notification(recipient_id=recipient_id, message=message[:300], link=link[:300])
    db.session.add(note)
    db.session.flush()
    return note
