"""Telling someone in the portal that something needs them, and by email when configured."""

from flask import current_app

from portal.core.db import db
from portal.notifications.emails import email_kind, portal_base_url, portal_link, queue_email
from portal.notifications.models import Notification


def notify(recipient_id: int, message: str, link: str, *, email: bool = True) -> Notification:
    """Add a notification (flushed, committed with the change that caused it). When email
    notifications are on, the same message is emailed by a job once that commits."""
    note = Notification(recipient_id=recipient_id, message=message[:300], link=link[:300])
    db.session.add(note)
    db.session.flush()
    if email and current_app.config.get("NOTIFY_BY_EMAIL"):
        recipient = note.recipient
        if recipient is not None and recipient.active:
            queue_email(recipient, "notification", notification_id=note.id)
    return note


@email_kind("notification", subject="Something in the portal needs your attention")
def _notification_email(email) -> dict:
    # The email says only what the portal notification says; details stay behind sign-in.
    note = db.session.get(Notification, email.context["notification_id"])
    if note is None:  # deleted with its subject: a plain pointer to the portal
        return {"message": "Something in the portal needs your attention.",
                "link": portal_link("home.index")}
    return {"message": note.message, "link": portal_base_url() + note.link}
