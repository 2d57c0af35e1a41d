"""Telling someone in the portal that something needs them, and by email when configured."""

from flask import current_app, has_request_context

from portal.core.db import db
from portal.core.mail import send_after_response
from portal.notifications.models import Notification


def notify(recipient_id: int, message: str, link: str) -> Notification:
    """Add a notification (flushed, committed with the change that caused it). When email
    notifications are on, the same message goes by email once the response has gone."""
    note = Notification(recipient_id=recipient_id, message=message[:300], link=link[:300])
    db.session.add(note)
    db.session.flush()
    if current_app.config.get("NOTIFY_BY_EMAIL") and has_request_context():
        _email(note)
    return note


def _email(note: Notification) -> None:
    recipient = note.recipient
    if recipient is None or not recipient.active:
        return
    base = current_app.config.get("PORTAL_BASE_URL", "")
    # The email says only what the portal notification says; details stay behind sign-in.
    send_after_response(
        recipient.email, "Something in the portal needs your attention",
        f"Hello {recipient.name},\n\n{note.message}\n\nSign in to see it: {base}{note.link}\n",
    )
