"""The outbox: every email the portal sends, with what became of it."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class EmailState(StrEnum):
    QUEUED = "queued"      # waiting for a job to send it (or to try again)
    SENT = "sent"          # the provider took it
    FAILED = "failed"      # the provider could not take it; retried with a growing wait
    REFUSED = "refused"    # the address itself was refused: never retried by itself
    CANCELLED = "cancelled"  # not sent: the account was deactivated first


class OutgoingEmail(db.Model):
    """One email to one person. Its words are rendered when it is sent, from `kind` and
    `context` (ids only): a link's secret is made at that moment and never stored here."""

    __tablename__ = "outgoing_email"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s.value}'" for s in EmailState) + ")",
                        name="state_known"),
        CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL", name="sent_has_time"),
        CheckConstraint("state NOT IN ('failed', 'refused', 'cancelled') OR "
                        "last_error IS NOT NULL", name="failure_has_reason"),
        Index("ix_outgoing_email_recipient", "recipient_id", "created_at"),
        Index("ix_outgoing_email_state", "state", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    # Where it went (or will go): the account's address at the time, kept as history.
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    context: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=EmailState.QUEUED)
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    # The provider's reason (status code and message), never the email's words.
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    attempted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    recipient = relationship("User")
