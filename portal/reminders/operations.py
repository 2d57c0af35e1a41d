"""The daily reminder run, and each person's choice about optional reminders."""

from datetime import date

from flask import current_app
from sqlalchemy import delete, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from portal.accounts.models import User
from portal.core import audit, jobs
from portal.core.db import db
from portal.notifications.email_models import EmailState, OutgoingEmail
from portal.notifications.emails import deliver_email, email_kind, portal_base_url
from portal.notifications.models import Notification
from portal.reminders.models import ReminderOptOut, ReminderSent
from portal.reminders.rules import RULES, Reminder

BATCH = 1000
# Any fixed number: it names the lock that lets one daily run at a time through.
RUN_LOCK = 190_019


def _batches(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _insert_ignoring_repeats():
    dialect = db.session.get_bind().dialect.name
    insert_for = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert_for(ReminderSent).on_conflict_do_nothing(
        index_elements=["recipient_id", "key"])


def send_daily_reminders(today: date) -> int:
    """Find today's reminders, record each new one (once per event and person), add the
    in-portal notifications and queue one digest email per person. Returns how many.

    Two runs at once (two workers) take turns on a transaction lock, so the second finds
    everything already recorded. Whoever already had a digest today gets their new
    reminders tomorrow, so nobody gets two digests in a day."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": RUN_LOCK})
    found = {(r.recipient_id, r.key): r for rule in RULES for r in rule(today)}
    opted_out = set(db.session.scalars(select(ReminderOptOut.user_id)))
    reminded_today = set(db.session.scalars(
        select(ReminderSent.recipient_id).where(ReminderSent.sent_on == today).distinct()))
    wanted = [r for r in found.values() if r.recipient_id not in reminded_today
              and (r.essential or r.recipient_id not in opted_out)]
    active = set()
    for ids in _batches(sorted({r.recipient_id for r in wanted})):
        active.update(db.session.scalars(select(User.id).where(User.id.in_(ids), User.active)))
    wanted = [r for r in wanted if r.recipient_id in active]
    recorded: set[tuple[int, str]] = set()
    for batch in _batches(wanted):
        recorded.update((row.recipient_id, row.key) for row in db.session.execute(
            _insert_ignoring_repeats().returning(ReminderSent.recipient_id, ReminderSent.key),
            [{"recipient_id": r.recipient_id, "key": r.key, "sent_on": today,
              "message": r.message, "link": r.link} for r in batch]))
    new = [r for r in wanted if (r.recipient_id, r.key) in recorded]
    _notify_in_portal(new)
    if current_app.config.get("NOTIFY_BY_EMAIL"):
        _queue_digests(sorted({r.recipient_id for r in new}), today)
    return len(new)


def _notify_in_portal(reminders: list[Reminder]) -> None:
    for batch in _batches(reminders):
        db.session.execute(insert(Notification), [
            {"recipient_id": r.recipient_id, "message": r.message, "link": r.link}
            for r in batch])


def _queue_digests(recipient_ids: list[int], today: date) -> None:
    """One email per person, listing all of today's reminders."""
    for ids in _batches(recipient_ids):
        addresses = {row.id: row.email for row in db.session.execute(
            select(User.id, User.email).where(User.id.in_(ids)))}
        email_ids = db.session.scalars(
            insert(OutgoingEmail).returning(OutgoingEmail.id, sort_by_parameter_order=True),
            [{"recipient_id": person, "to_address": addresses[person],
              "kind": "reminder_digest", "context": {"day": today.isoformat()},
              "state": EmailState.QUEUED.value, "attempts": 0} for person in ids]).all()
        jobs.defer_many(deliver_email, [{"email_id": email_id} for email_id in email_ids])


@email_kind("reminder_digest", subject="Your reminders from the portal")
def _digest_email(email) -> dict:
    day = date.fromisoformat(email.context["day"])
    reminders = db.session.execute(
        select(ReminderSent.message, ReminderSent.link)
        .where(ReminderSent.recipient_id == email.recipient_id, ReminderSent.sent_on == day)
        .order_by(ReminderSent.id)).all()
    base = portal_base_url()
    return {"reminders": [(message, base + link) for message, link in reminders]}


def wants_optional_reminders(user: User) -> bool:
    return db.session.get(ReminderOptOut, user.id) is None


def set_optional_reminders(actor: User, wanted: bool) -> None:
    """The person turns the optional reminders on or off for themself."""
    if wanted == wants_optional_reminders(actor):
        return
    if wanted:
        db.session.execute(delete(ReminderOptOut).where(ReminderOptOut.user_id == actor.id))
    else:
        db.session.add(ReminderOptOut(user_id=actor.id))
        db.session.flush()
    audit.record(actor, "optional_reminders_changed", actor, wanted=wanted)
