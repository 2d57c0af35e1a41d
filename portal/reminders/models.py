"""What reminders were sent to whom, and who turned the optional ones off."""

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class ReminderSent(db.Model):
    """One reminder to one person. `key` names the event (a review point's id and what is
    due, the week of an overdue one...): the unique pair is what makes each reminder go
    once, however many times or workers run the daily job."""

    __tablename__ = "reminder_sent"
    __table_args__ = (
        UniqueConstraint("recipient_id", "key"),
        Index("ix_reminder_sent_day", "sent_on", "recipient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    key: Mapped[str] = mapped_column(String(120), nullable=False)
    sent_on: Mapped[date] = mapped_column(Date, nullable=False)
    # What the digest and the in-portal notification say: no case detail.
    message: Mapped[str] = mapped_column(String(300), nullable=False)
    link: Mapped[str] = mapped_column(String(300), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ReminderOptOut(db.Model):
    """A person who turned off the reminders they can do without (the essential ones,
    such as an overdue review point, still come)."""

    __tablename__ = "reminder_opt_out"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
