"""Moderation records. A round belongs to the council whose lead defines it; the councils
whose outcomes it samples are listed apart (`moderation_round_council`) so that a
partnership of councils can share one round later without changing the sample's shape."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime
from portal.moderation.template import EVIDENCE_CHECKLIST, JUDGEMENT_QUESTIONS

DEFAULT_SAMPLE_PERCENT = 10


class RoundState(StrEnum):
    DEFINED = "defined"  # period, size and moderators set; no sample yet
    SAMPLED = "sampled"  # the sample is drawn (with its seed) and cannot be drawn again


class PanelConfirmation(db.Model):
    """Internal moderation: whether the panel confirms the assessor's recommendation on a
    decided agenda item. The assessor is the item's report's author (never copied here)."""

    __tablename__ = "panel_confirmation"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False, unique=True)
    confirms: Mapped[bool] = mapped_column(Boolean, nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    agenda_item = relationship("AgendaItem")


round_council = Table(
    "moderation_round_council", db.metadata,
    Column("round_id", ForeignKey("moderation_round.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"),
           primary_key=True),
)

round_moderator = Table(
    "moderation_round_moderator", db.metadata,
    Column("round_id", ForeignKey("moderation_round.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True),
)


class ModerationRound(db.Model):
    """An external moderation round over the outcomes decided in a period."""

    __tablename__ = "moderation_round"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s.value}'" for s in RoundState) + ")",
                        name="state_known"),
        CheckConstraint("(state = 'defined' AND seed IS NULL AND sampled_at IS NULL) OR "
                        "(state = 'sampled' AND seed IS NOT NULL AND sampled_at IS NOT NULL)",
                        name="sampled_has_seed"),
        CheckConstraint("sample_percent >= 1 AND sample_percent <= 100",
                        name="sample_percent_in_range"),
        CheckConstraint("period_start <= period_end", name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    period_start: Mapped[date] = mapped_column(Date, nullable=False)
    period_end: Mapped[date] = mapped_column(Date, nullable=False)
    sample_percent: Mapped[int] = mapped_column(nullable=False, default=DEFAULT_SAMPLE_PERCENT)
    access_ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=RoundState.DEFINED)
    seed: Mapped[int | None] = mapped_column(BigInteger)
    sampled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    action_plan: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    councils = relationship("Organisation", secondary=round_council, order_by="Organisation.name")
    moderators = relationship("User", secondary=round_moderator, order_by="User.name")
    samples = relationship("ModerationSample", back_populates="round",
                           order_by="ModerationSample.id", cascade="all, delete-orphan")

    @property
    def sampled(self) -> bool:
        return self.state == RoundState.SAMPLED

    def open_on(self, today: date) -> bool:
        """Moderators may read the shared packs up to and including the access end date."""
        return today <= self.access_ends_on


class ModerationSample(db.Model):
    """A decided agenda item drawn into a round's sample; once the lead approves an
    anonymised pack of it, the pack is shared with the round's moderators."""

    __tablename__ = "moderation_sample"
    __table_args__ = (
        UniqueConstraint("round_id", "agenda_item_id"),
        CheckConstraint("(pack_id IS NULL AND shared_at IS NULL) OR "
                        "(pack_id IS NOT NULL AND shared_at IS NOT NULL)",
                        name="shared_has_pack"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_round.id", ondelete="CASCADE"), nullable=False, index=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False)
    pack_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_pack.id", ondelete="SET NULL"))
    shared_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    round = relationship("ModerationRound", back_populates="samples")
    agenda_item = relationship("AgendaItem")
    pack = relationship("PortfolioPack")
    feedback = relationship("ModeratorFeedback", back_populates="sample",
                            order_by="ModeratorFeedback.id")


class ModeratorFeedback(db.Model):
    """A moderator's template for one sampled portfolio, as submitted (it never changes
    the decision). `evidence` holds {checklist code: present?}."""

    __tablename__ = "moderator_feedback"
    __table_args__ = (UniqueConstraint("sample_id", "moderator_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(
        ForeignKey("moderation_sample.id", ondelete="CASCADE"), nullable=False)
    moderator_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    evidence: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    accurate: Mapped[bool] = mapped_column(Boolean, nullable=False)
    accurate_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    valid: Mapped[bool] = mapped_column(Boolean, nullable=False)
    valid_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    robust: Mapped[bool] = mapped_column(Boolean, nullable=False)
    robust_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    sufficient: Mapped[bool] = mapped_column(Boolean, nullable=False)
    sufficient_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    overall: Mapped[str] = mapped_column(Text, nullable=False, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    sample = relationship("ModerationSample", back_populates="feedback")
    moderator = relationship("User")

    @property
    def judgements(self) -> list[tuple[str, bool, str]]:
        """(question, yes?, comment) in the template's order."""
        return [(label, getattr(self, code), getattr(self, f"{code}_comment"))
                for code, label, _hint in JUDGEMENT_QUESTIONS]

    @property
    def missing_evidence(self) -> list[str]:
        """The checklist's items the moderator did not find."""
        return [label for code, label in EVIDENCE_CHECKLIST if not self.evidence.get(code)]
