"""Feedback threads, observations, outside feedback links."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class FeedbackKind(enum.StrEnum):
    COMMENT = "comment"
    ACCEPTED = "accepted"
    MORE_NEEDED = "more_needed"


class EvidenceFeedback(db.Model):
    """One message in the thread between assessor and candidate about an entry."""

    __tablename__ = "evidence_feedback"
    __table_args__ = (
        CheckConstraint("kind IN ('comment', 'accepted', 'more_needed')", name="kind_known"),
        CheckConstraint("kind = 'comment' OR element_id IS NOT NULL OR kind = 'more_needed'",
                        name="acceptance_names_element"),
        # An entry's thread in order, with each message's author: the work queue asks
        # "who wrote last?" for every entry in a caseload's portfolios, and PostgreSQL
        # answers from this index alone, without sorting or reading the table.
        Index("ix_evidence_feedback_thread", "entry_id", "created_at", "id", "author_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="CASCADE"), nullable=False
    )
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="comment")
    # For "accepted": the framework element the entry is accepted as evidence of.
    element_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT")
    )
    body: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    author = relationship("User")
    element = relationship("FrameworkElement")


class ObservationState(enum.StrEnum):
    DRAFT = "draft"
    COMPLETED = "completed"
    SIGNED_OFF = "signed_off"


class Observation(db.Model):
    """A direct observation of practice. Once signed off by the assessor it becomes a
    direct-observation evidence entry in the candidate's log and portfolio."""

    __tablename__ = "observation"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'completed', 'signed_off')", name="state_known"),
        CheckConstraint("state != 'signed_off' OR (signed_off_by_id IS NOT NULL AND "
                        "signed_off_at IS NOT NULL AND entry_id IS NOT NULL)",
                        name="signed_off_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    observer_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    observed_on: Mapped[date] = mapped_column(Date, nullable=False)
    setting: Mapped[str] = mapped_column(String(300), nullable=False)
    what_was_observed: Mapped[str] = mapped_column(Text, nullable=False, default="")
    candidate_reflection: Mapped[str] = mapped_column(Text, nullable=False, default="")
    analysis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    strengths: Mapped[str] = mapped_column(Text, nullable=False, default="")
    areas_to_develop: Mapped[str] = mapped_column(Text, nullable=False, default="")
    signed_off_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    candidate = relationship("User", foreign_keys=[candidate_id])
    observer = relationship("User", foreign_keys=[observer_id])
    links = relationship("ObservationLink", cascade="all, delete-orphan",
                         order_by="ObservationLink.id")


class ObservationLink(db.Model):
    __tablename__ = "observation_link"
    __table_args__ = (UniqueConstraint("observation_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    observation_id: Mapped[int] = mapped_column(
        ForeignKey("observation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT"), nullable=False
    )
    reason: Mapped[str] = mapped_column(String(200), nullable=False)

    element = relationship("FrameworkElement")


class FeedbackRequest(db.Model):
    """A one-time link for someone without an account (a person with lived experience or
    a colleague) to give feedback. Only a hash of the link's secret is stored."""

    __tablename__ = "feedback_request"
    __table_args__ = (
        CheckConstraint("kind IN ('lived_experience', 'colleague')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    # For the candidate's own list only, e.g. "Parent after the review meeting"; never shown
    # on the public form.
    label: Mapped[str] = mapped_column(String(120), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="SET NULL")
    )
