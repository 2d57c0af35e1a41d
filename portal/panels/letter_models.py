"""The outcome letter of a panel decision, built as a PDF by a background job."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class LetterState(StrEnum):
    QUEUED = "queued"      # asked for; waiting for the job
    BUILDING = "building"  # the job is making the PDF
    READY = "ready"        # stored, and can be downloaded
    FAILED = "failed"      # the job could not make it (asking again tries again)


class OutcomeLetter(db.Model):
    """A decision's letter: one per decision (its words never change, since a decision is
    never edited; a correction is a new decision with a letter of its own). The PDF itself
    is in file storage under `stored_name`, a name storage made."""

    __tablename__ = "outcome_letter"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s.value}'" for s in LetterState) + ")",
                        name="state_known"),
        CheckConstraint("state <> 'ready' OR (stored_name IS NOT NULL AND built_at IS NOT NULL)",
                        name="ready_has_file"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE"), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=LetterState.QUEUED)
    stored_name: Mapped[str | None] = mapped_column(String(32))
    # What went wrong, by kind (an exception's class name), never the letter's words.
    last_error: Mapped[str | None] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False,
                                                   default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decision = relationship("PanelDecision")
