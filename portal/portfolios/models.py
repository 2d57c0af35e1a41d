"""The portfolio, its schedule, chosen evidence, and frozen submission snapshots."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class PortfolioState(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED_FOR_REVIEW = "submitted_for_review"
    SUBMITTED_FOR_PANEL = "submitted_for_panel"
    UNDER_ASSESSMENT = "under_assessment"
    RETURNED = "returned"
    AT_PANEL = "at_panel"
    DECIDED = "decided"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    PortfolioState.DRAFT: "In progress",
    PortfolioState.SUBMITTED_FOR_REVIEW: "Submitted for review",
    PortfolioState.SUBMITTED_FOR_PANEL: "Submitted for panel",
    PortfolioState.UNDER_ASSESSMENT: "Under assessment",
    PortfolioState.RETURNED: "Returned to you",
    PortfolioState.AT_PANEL: "At panel",
    PortfolioState.DECIDED: "Decided",
}

# States in which a frozen snapshot is what others are looking at.
STATES_WITH_SNAPSHOT = (
    PortfolioState.SUBMITTED_FOR_REVIEW,
    PortfolioState.SUBMITTED_FOR_PANEL,
    PortfolioState.UNDER_ASSESSMENT,
    PortfolioState.AT_PANEL,
    PortfolioState.DECIDED,
)


def _quoted(states) -> str:
    return ", ".join(f"'{s.value}'" for s in states)


portfolio_framework = Table(
    "portfolio_framework",
    db.metadata,
    Column("portfolio_id", ForeignKey("portfolio.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_id", ForeignKey("framework.id", ondelete="RESTRICT"), primary_key=True),
)


class Portfolio(db.Model):
    """One per enrolment. Pinned to the framework versions it started on."""

    __tablename__ = "portfolio"
    __table_args__ = (
        CheckConstraint(f"state IN ({_quoted(PortfolioState)})", name="state_known"),
        # The database refuses a submitted portfolio without the snapshot it submitted.
        CheckConstraint(
            f"state NOT IN ({_quoted(STATES_WITH_SNAPSHOT)}) OR current_snapshot_id IS NOT NULL",
            name="submitted_has_snapshot",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    membership_id: Mapped[int] = mapped_column(
        ForeignKey("cohort_membership.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(30), nullable=False, default="draft")
    current_snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_snapshot.id", ondelete="RESTRICT", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    candidate = relationship("User")
    programme = relationship("Programme")
    membership = relationship("CohortMembership")
    frameworks = relationship("Framework", secondary=portfolio_framework,
                              order_by="Framework.code")
    review_points = relationship("PortfolioReviewPoint", order_by="PortfolioReviewPoint.position",
                                 cascade="all, delete-orphan", back_populates="portfolio")
    schedule_changes = relationship("ScheduleChange", order_by="ScheduleChange.id",
                                    cascade="all, delete-orphan")
    current_snapshot = relationship("PortfolioSnapshot", foreign_keys=[current_snapshot_id],
                                    post_update=True)

    @property
    def state_label(self) -> str:
        return PortfolioState(self.state).label


class PortfolioReviewPoint(db.Model):
    """A review point for this candidate, with its due date after any extensions."""

    __tablename__ = "portfolio_review_point"
    __table_args__ = (UniqueConstraint("portfolio_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)
    optional: Mapped[bool] = mapped_column(nullable=False, default=False)
    is_final: Mapped[bool] = mapped_column(nullable=False, default=False)
    base_due_on: Mapped[date] = mapped_column(Date, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)

    portfolio = relationship("Portfolio", back_populates="review_points")


class ScheduleChange(db.Model):
    """Part-time working or an absence that moves the review points later, with a reason."""

    __tablename__ = "schedule_change"
    __table_args__ = (
        CheckConstraint("kind IN ('part_time', 'absence', 'other')", name="kind_known"),
        CheckConstraint("days > 0 AND days <= 1100", name="days_sensible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    days: Mapped[int] = mapped_column(nullable=False)
    reason: Mapped[str] = mapped_column(String(500), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    recorded_by = relationship("User")


class PortfolioEntry(db.Model):
    """An evidence entry the candidate has put in their portfolio, in a chosen section."""

    __tablename__ = "portfolio_entry"
    __table_args__ = (UniqueConstraint("portfolio_id", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_entry.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # A ComponentRequirement code, or NULL for general evidence.
    section: Mapped[str | None] = mapped_column(String(60))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    entry = relationship("EvidenceEntry")


class PortfolioSnapshot(db.Model):
    """A frozen, hash-stamped copy of the portfolio as submitted. Never changed afterwards."""

    __tablename__ = "portfolio_snapshot"
    __table_args__ = (
        CheckConstraint("purpose IN ('review_point', 'panel')", name="purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    purpose: Mapped[str] = mapped_column(String(20), nullable=False)
    review_point_code: Mapped[str | None] = mapped_column(String(40))
    content: Mapped[dict] = mapped_column(JSON, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# Structured records --------------------------------------------------------------------
class SupportAgreement(db.Model):
    """The support and assessment agreement made at the start."""

    __tablename__ = "support_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    agreed_on: Mapped[date] = mapped_column(Date, nullable=False)
    supervision_arrangements: Mapped[str] = mapped_column(Text, nullable=False, default="")
    workload_reduction: Mapped[str] = mapped_column(Text, nullable=False, default="")
    protected_time: Mapped[str] = mapped_column(Text, nullable=False, default="")
    development_priorities: Mapped[str] = mapped_column(Text, nullable=False, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow,
                                                 onupdate=utcnow)
    # Counts changes to the wording: a signature is given to the revision the signer read.
    revision: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")
    candidate_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    candidate_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    assessor_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    assessor_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    line_manager_signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    line_manager_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    candidate_signed_by = relationship("User", foreign_keys=[candidate_signed_by_id])
    assessor_signed_by = relationship("User", foreign_keys=[assessor_signed_by_id])
    line_manager_signed_by = relationship("User", foreign_keys=[line_manager_signed_by_id])

    @property
    def signing_state(self) -> "AgreementState":
        """Derived from the signatures, so it cannot disagree with them."""
        signed = [getattr(self, f"{role}_signed_at") for role in SIGNERS]
        if all(signed):
            return AgreementState.SIGNED
        return AgreementState.BEING_SIGNED if any(signed) else AgreementState.NOT_SIGNED


# Who signs the support and assessment agreement, in the order the page shows them.
SIGNERS = ("candidate", "assessor", "line_manager")


class AgreementState(enum.StrEnum):
    NOT_SIGNED = "not_signed"
    BEING_SIGNED = "being_signed"
    SIGNED = "signed"

    @property
    def label(self) -> str:
        return {"not_signed": "Not signed yet", "being_signed": "Waiting for signatures",
                "signed": "Signed by everyone"}[self.value]


class SupportAgreementVersion(db.Model):
    """A signed version of the agreement, kept as it was when the last person signed it."""

    __tablename__ = "support_agreement_version"
    __table_args__ = (UniqueConstraint("agreement_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        ForeignKey("support_agreement.id", ondelete="CASCADE"), nullable=False)
    number: Mapped[int] = mapped_column(nullable=False)
    agreed_on: Mapped[date] = mapped_column(Date, nullable=False)
    supervision_arrangements: Mapped[str] = mapped_column(Text, nullable=False)
    workload_reduction: Mapped[str] = mapped_column(Text, nullable=False)
    protected_time: Mapped[str] = mapped_column(Text, nullable=False)
    development_priorities: Mapped[str] = mapped_column(Text, nullable=False)
    candidate_signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    candidate_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    assessor_signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    assessor_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    line_manager_signed_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    line_manager_signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    candidate_signed_by = relationship("User", foreign_keys=[candidate_signed_by_id])
    assessor_signed_by = relationship("User", foreign_keys=[assessor_signed_by_id])
    line_manager_signed_by = relationship("User", foreign_keys=[line_manager_signed_by_id])

    @property
    def completed_at(self) -> datetime:
        """When the last of the three signed."""
        return max(getattr(self, f"{role}_signed_at") for role in SIGNERS)


class DevelopmentPlan(db.Model):
    """The professional development plan for one stage."""

    __tablename__ = "development_plan"
    __table_args__ = (UniqueConstraint("portfolio_id", "stage_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stage_code: Mapped[str] = mapped_column(String(40), nullable=False)
    agreed_on: Mapped[date] = mapped_column(Date, nullable=False)
    goals: Mapped[str] = mapped_column(Text, nullable=False)
    actions: Mapped[str] = mapped_column(Text, nullable=False, default="")
    review_on: Mapped[date | None] = mapped_column(Date)
    # Set when the candidate saves a change (not by the review), so a change after the
    # assessor's review shows; NULL for plans saved before it was kept.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=utcnow)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))

    reviewed_by = relationship("User")

    @property
    def changed_since_reviewed(self) -> bool:
        return (self.reviewed_at is not None and self.updated_at is not None
                and self.updated_at > self.reviewed_at)


class SupervisionRecord(db.Model):
    __tablename__ = "supervision_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    held_on: Mapped[date] = mapped_column(Date, nullable=False)
    supervisor_name: Mapped[str] = mapped_column(String(200), nullable=False)
    topics: Mapped[str] = mapped_column(Text, nullable=False)
    agreed_actions: Mapped[str] = mapped_column(Text, nullable=False, default="")


class ProtectedTimeRecord(db.Model):
    __tablename__ = "protected_time_record"
    __table_args__ = (CheckConstraint("minutes > 0 AND minutes <= 1440", name="minutes_sensible"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    taken_on: Mapped[date] = mapped_column(Date, nullable=False)
    minutes: Mapped[int] = mapped_column(nullable=False)
    activity: Mapped[str] = mapped_column(Text, nullable=False)
    workload_reduction_confirmed: Mapped[bool] = mapped_column(nullable=False, default=False)


class KssSelfAssessment(db.Model):
    """The candidate's rating of themselves against each KSS statement at one stage."""

    __tablename__ = "kss_self_assessment"
    __table_args__ = (UniqueConstraint("portfolio_id", "stage_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    stage_code: Mapped[str] = mapped_column(String(40), nullable=False)
    completed_on: Mapped[date] = mapped_column(Date, nullable=False)

    ratings = relationship("KssRating", cascade="all, delete-orphan", order_by="KssRating.id")


class KssRating(db.Model):
    __tablename__ = "kss_rating"
    __table_args__ = (
        UniqueConstraint("assessment_id", "element_id"),
        CheckConstraint("rating BETWEEN 1 AND 4", name="rating_in_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(
        ForeignKey("kss_self_assessment.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT"), nullable=False
    )
    rating: Mapped[int] = mapped_column(nullable=False)
    comment: Mapped[str] = mapped_column(Text, nullable=False, default="")

    element = relationship("FrameworkElement")


# Total days the schedule has moved, computed in the portfolio's own query where pages ask
# for it (`undefer`), so reading dates costs no query of its own. Write paths that add a
# change in the same transaction use `operations.extension_days`, which sees pending rows.
Portfolio.extension_total = column_property(
    select(func.coalesce(func.sum(ScheduleChange.days), 0))
    .where(ScheduleChange.portfolio_id == Portfolio.id)
    .correlate_except(ScheduleChange)
    .scalar_subquery(),
    deferred=True,
)
