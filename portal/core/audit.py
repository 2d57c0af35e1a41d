"""The audit trail: one row for every state change, written in the change's transaction."""

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class AuditEvent(db.Model):
    """Who did what to which object, when. Never updated or deleted by the application."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_object", "object_type", "object_id"),
        Index("ix_audit_event_org_time", "organisation_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[Any] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(80), nullable=False)
    object_type: Mapped[str] = mapped_column(String(60), nullable=False)
    object_id: Mapped[int | None] = mapped_column()
    # Only identifiers and changed field names go here, never reflections or free text.
    details: Mapped[dict] = mapped_column(JSON, default=dict, nullable=False)


def record(actor, action: str, target, organisation_id: int | None = None, **details) -> None:
    """Write an audit row for `actor` doing `action` to `target` (in the current
    transaction, after the session's pending changes, not committed)."""
    session = db.session
    if getattr(target, "id", 1) is None:
        session.flush()  # the target needs its primary key before we can point at it
    object_type = getattr(target, "__tablename__", type(target).__name__.lower())
    if organisation_id is None:
        organisation_id = getattr(target, "organisation_id", None)
        if organisation_id is None and actor is not None:
            organisation_id = getattr(actor, "organisation_id", None)
    session.flush()  # the change first, then its audit row (cheap when nothing is pending)
    # Straight to the table, not through the unit of work: nothing reads an audit row back
    # in the transaction that writes it, and a write pays for its audit row on every request.
    session.connection().execute(_INSERT, {
        "occurred_at": utcnow(), "actor_id": getattr(actor, "id", None),
        "organisation_id": organisation_id, "action": action, "object_type": object_type,
        "object_id": getattr(target, "id", None), "details": details})


_INSERT = AuditEvent.__table__.insert()
