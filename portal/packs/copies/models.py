"""An anonymised copy of a snapshot and the decision taken on each replacement.

The copy holds no text of its own: it is the frozen snapshot with its accepted replacements
applied, so there is nothing to keep in step with the snapshot by hand."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


def _one_of(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{value}'" for value in values) + ")"


class CopyState(StrEnum):
    IN_REVIEW = "in_review"  # proposals made; a person is deciding on them
    APPROVED = "approved"    # every replacement decided; the copy can be used


class Decision(StrEnum):
    PENDING = "pending"    # proposed by the engine, not yet decided
    ACCEPTED = "accepted"  # replaced with the proposed label
    CHANGED = "changed"    # replaced with the reviewer's own label
    REJECTED = "rejected"  # left as written
    ADDED = "added"        # found by the reviewer, not the engine


REPLACING = (Decision.ACCEPTED, Decision.CHANGED, Decision.ADDED)


class AnonymisedCopy(db.Model):
    __tablename__ = "anonymised_copy"
    __table_args__ = (
        CheckConstraint(_one_of("state", CopyState), name="state_known"),
        CheckConstraint("(state = 'approved') = (approved_at IS NOT NULL)",
                        name="approved_when_dated"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # One copy per snapshot: a snapshot never changes, so neither do its proposals.
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_snapshot.id", ondelete="CASCADE"), nullable=False, unique=True)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=CopyState.IN_REVIEW)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # Who approved it (kept unless that person's account is erased) and when.
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    snapshot = relationship("PortfolioSnapshot")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    decisions = relationship("RedactionDecision", back_populates="copy",
                             order_by="(RedactionDecision.field_order, RedactionDecision.start)",
                             cascade="all, delete-orphan")

    @property
    def approved(self) -> bool:
        return self.state == CopyState.APPROVED


class RedactionDecision(db.Model):
    """text[start:end] of one field of the snapshot (`field`, e.g. "entries.0.reflection"),
    and what the copy shows instead."""

    __tablename__ = "redaction_decision"
    __table_args__ = (
        CheckConstraint(_one_of("decision", Decision), name="decision_known"),
        CheckConstraint("start >= 0 AND stop > start", name="span_valid"),
        CheckConstraint("decision NOT IN ('changed', 'added') OR replacement IS NOT NULL",
                        name="own_label_given"),
        CheckConstraint("(decision = 'pending') = (decided_at IS NULL)",
                        name="decided_when_dated"),
        Index("ix_redaction_decision_copy", "copy_id", "field_order", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    copy_id: Mapped[int] = mapped_column(
        ForeignKey("anonymised_copy.id", ondelete="CASCADE"), nullable=False)
    field: Mapped[str] = mapped_column(String(80), nullable=False)
    field_order: Mapped[int] = mapped_column(nullable=False)
    start: Mapped[int] = mapped_column(nullable=False)
    stop: Mapped[int] = mapped_column(nullable=False)
    found: Mapped[str] = mapped_column(String(500), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False)  # a redaction Kind, or "own"
    proposed_label: Mapped[str | None] = mapped_column(String(60))
    decision: Mapped[str] = mapped_column(String(20), nullable=False, default=Decision.PENDING)
    replacement: Mapped[str | None] = mapped_column(String(60))
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    copy = relationship("AnonymisedCopy", back_populates="decisions")

    @property
    def shown_as(self) -> str | None:
        """What the copy shows for it, or None when left as written (or still undecided)."""
        if self.decision == Decision.ACCEPTED:
            return self.proposed_label
        if self.decision in (Decision.CHANGED, Decision.ADDED):
            return self.replacement
        return None
