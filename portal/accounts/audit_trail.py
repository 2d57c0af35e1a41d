"""The audit trail as administrators read it: who did what to which record and when, in
their own council, filtered, a page at a time or as a CSV file.

Rows are written by `portal.core.audit.record` in the transaction of each change; this
module only reads them (and records that someone exported them).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User
from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.dates import UK
from portal.core.db import db


@dataclass(frozen=True)
class AuditFilter:
    """What the administrator asked to see; every part optional."""

    who: str = ""
    action: str = ""
    record_type: str = ""
    record_id: int | None = None
    from_date: date | None = None
    to_date: date | None = None

    def as_query_args(self) -> dict:
        """The filter as URL arguments (for pagination links and the CSV link)."""
        args = {"who": self.who, "action": self.action, "record_type": self.record_type,
                "record_id": self.record_id,
                "from_date": self.from_date.isoformat() if self.from_date else None,
                "to_date": self.to_date.isoformat() if self.to_date else None}
        return {key: value for key, value in args.items() if value not in ("", None)}


def _start_of(day: date) -> datetime:
    """Midnight in England at the start of `day` (the trail is stored in UTC)."""
    return datetime.combine(day, time.min, UK)


def trail(organisation_id: int, wanted: AuditFilter) -> Select:
    """Audit rows of one council matching `wanted`, newest first, with the actor's name
    and email (None for the system or someone not signed in)."""
    actor = aliased(User)
    statement = (
        select(AuditEvent, actor.name, actor.email)
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .where(AuditEvent.organisation_id == organisation_id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()))
    if wanted.who:
        statement = statement.where(or_(
            actor.name.icontains(wanted.who, autoescape=True),
            actor.email.icontains(wanted.who, autoescape=True)))
    if wanted.action:
        statement = statement.where(AuditEvent.action == wanted.action)
    if wanted.record_type:
        statement = statement.where(AuditEvent.object_type == wanted.record_type)
    if wanted.record_id is not None:
        statement = statement.where(AuditEvent.object_id == wanted.record_id)
    if wanted.from_date:
        statement = statement.where(AuditEvent.occurred_at >= _start_of(wanted.from_date))
    if wanted.to_date:
        statement = statement.where(
            AuditEvent.occurred_at < _start_of(wanted.to_date + timedelta(days=1)))
    return statement


def choices(organisation_id: int) -> tuple[list[str], list[str]]:
    """The actions and the kinds of record that appear in this council's trail."""
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.object_type)
        .where(AuditEvent.organisation_id == organisation_id).distinct()).all()
    return sorted({action for action, _kind in rows}), sorted({kind for _a, kind in rows})


def label(name: str) -> str:
    """'user_deactivated' -> 'User deactivated'."""
    return name.replace("_", " ").capitalize()


def details_text(details: dict | None) -> str:
    """An audit row's details in words: identifiers and field names only (the trail never
    holds what people wrote)."""
    parts = []
    for key, value in sorted((details or {}).items()):
        if isinstance(value, dict):
            shown = ", ".join(f"{label(inner)} {item}" for inner, item in value.items())
        elif isinstance(value, list):
            shown = ", ".join(str(item) for item in value)
        else:
            shown = value
        parts.append(f"{label(key)}: {shown}")
    return "; ".join(parts)


CSV_HEADER = ["When (UK time)", "Who", "Email", "Action", "Record", "Record number",
              "Details"]


def csv_rows(statement: Select):
    """The rows of the CSV export, read in batches so a long trail is never all in memory."""
    for event, name, email in db.session.execute(
            statement.execution_options(yield_per=1000)):
        yield [event.occurred_at.astimezone(UK).strftime("%Y-%m-%d %H:%M:%S"),
               name or "System", email or "", label(event.action),
               label(event.object_type), event.object_id or "",
               details_text(event.details)]


def record_export(actor: User, wanted: AuditFilter) -> None:
    """An export of the trail is itself in the trail, with the filter it used."""
    audit.record(actor, "audit_exported", actor.organisation, filter=wanted.as_query_args())
