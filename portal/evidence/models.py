"""Evidence entries, their links to framework elements, attachments and autosaved drafts."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    BigInteger,
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


class EvidenceType(enum.StrEnum):
    DIRECT_OBSERVATION = "direct_observation"
    SUPERVISION = "supervision"
    CRITICAL_REFLECTION = "critical_reflection"
    LIVED_EXPERIENCE_FEEDBACK = "lived_experience_feedback"
    COLLEAGUE_FEEDBACK = "colleague_feedback"
    TRAINING = "training"
    READING = "reading"
    WRITTEN_WORK = "written_work"
    OTHER = "other"

    @property
    def label(self) -> str:
        return EVIDENCE_TYPE_LABELS[self]


class FeedbackStatus(enum.StrEnum):
    """Whose turn it is in an entry's feedback thread; an entry without one has none."""

    AWAITING_ASSESSOR = "awaiting_assessor"  # the candidate wrote last
    AWAITING_CANDIDATE = "awaiting_candidate"  # the assessor wrote last


EVIDENCE_TYPE_LABELS = {
    EvidenceType.DIRECT_OBSERVATION: "Direct observation",
    EvidenceType.SUPERVISION: "Supervision",
    EvidenceType.CRITICAL_REFLECTION: "Critical reflection",
    EvidenceType.LIVED_EXPERIENCE_FEEDBACK: "Feedback from a person with lived experience",
    EvidenceType.COLLEAGUE_FEEDBACK: "Feedback from a colleague or other professional",
    EvidenceType.TRAINING: "Training or CPD",
    EvidenceType.READING: "Reading or research",
    EvidenceType.WRITTEN_WORK: "Written work or report",
    EvidenceType.OTHER: "Other",
}


class EvidenceEntry(db.Model):
    __tablename__ = "evidence_entry"
    __table_args__ = (
        CheckConstraint(
            "evidence_type IN (" + ", ".join(f"'{t.value}'" for t in EvidenceType) + ")",
            name="evidence_type_known",
        ),
        CheckConstraint(
            "feedback_status IN (" + ", ".join(f"'{s.value}'" for s in FeedbackStatus) + ")",
            name="feedback_status_known",
        ),
        # The evidence list filters and sorts by date within one candidate's log.
        Index("ix_evidence_entry_candidate_date", "candidate_id", "occurred_on", "id"),
        # The work queue: a caseload's entries with no feedback yet or a reply to read.
        Index("ix_evidence_entry_feedback_status", "candidate_id", "feedback_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    occurred_on: Mapped[date] = mapped_column(Date, nullable=False)
    evidence_type: Mapped[str] = mapped_column(String(40), nullable=False)
    reflection: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # The candidate confirms nothing in the entry identifies the people they work with.
    anonymised_confirmed: Mapped[bool] = mapped_column(nullable=False, default=False)
    # A FeedbackStatus, or None while the feedback thread is empty. Written only by
    # portal.assessment.feedback.operations.add_message.
    feedback_status: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )

    candidate = relationship("User")
    links = relationship(
        "EvidenceLink", back_populates="entry", cascade="all, delete-orphan",
        order_by="EvidenceLink.id",
    )
    attachments = relationship(
        "Attachment", back_populates="entry", order_by="Attachment.id",
    )

    @property
    def type_label(self) -> str:
        return EvidenceType(self.evidence_type).label


class EvidenceLink(db.Model):
    """One framework element an entry shows, with the candidate's one-line reason."""

    __tablename__ = "evidence_link"
    __table_args__ = (UniqueConstraint("entry_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    reason: Mapped[str] = mapped_column(String(200), nullable=False)

    entry = relationship("EvidenceEntry", back_populates="links")
    element = relationship("FrameworkElement")


class Attachment(db.Model):
    """A file attached to an entry, stored on disk under a random name."""

    __tablename__ = "attachment"
    __table_args__ = (CheckConstraint("size_bytes >= 0", name="size_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    owner_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # Display text only: never used to build a path.
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(String(80), nullable=False, unique=True)
    content_type: Mapped[str] = mapped_column(String(100), nullable=False)
    size_bytes: Mapped[int] = mapped_column(BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    entry = relationship("EvidenceEntry", back_populates="attachments")


class EvidenceDraft(db.Model):
    """Autosaved form content, so long text survives a lost connection or session.

    One draft per candidate per entry (entry_id is NULL for a new entry not yet saved).
    """

    __tablename__ = "evidence_draft"
    __table_args__ = (UniqueConstraint("candidate_id", "draft_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # "new" for an unsaved entry, or "entry-<id>" for an edit.
    draft_key: Mapped[str] = mapped_column(String(40), nullable=False)
    fields: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    saved_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), nullable=False, default=utcnow, onupdate=utcnow
    )
