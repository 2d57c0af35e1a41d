"""The assessor's report at each review point, and the support plans that follow one.

They sit with the portfolio's review points: the portfolio page lists them and the panel
reads them; assessment writes them (portal.assessment.reports).
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class Recommendation(enum.StrEnum):
    PASS = "pass"  # noqa: S105 (an ASYE outcome, not a password)
    FAIL = "fail"
    READY = "ready"
    NOT_READY = "not_ready"


class ReviewReport(db.Model):
    """The assessor's report at a review point. Locked once signed off."""

    __tablename__ = "review_report"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'signed_off')", name="state_known"),
        CheckConstraint("recommendation IS NULL OR recommendation IN "
                        "('pass', 'fail', 'ready', 'not_ready')", name="recommendation_known"),
        CheckConstraint("state = 'draft' OR (signed_off_at IS NOT NULL AND outcome IS NOT NULL)",
                        name="signed_off_complete"),
        CheckConstraint("outcome IS NULL OR outcome IN ('completed', 'returned')",
                        name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    review_point_code: Mapped[str] = mapped_column(String(40), nullable=False)
    # The submission this report assesses (each round keeps its own report).
    snapshot_id: Mapped[int | None] = mapped_column(
        ForeignKey("portfolio_snapshot.id", ondelete="RESTRICT"), index=True
    )
    assessor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="draft")
    summary: Mapped[str] = mapped_column(Text, nullable=False, default="")
    is_final: Mapped[bool] = mapped_column(nullable=False, default=False)
    holistic_assessment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    recommendation: Mapped[str | None] = mapped_column(String(20))
    signed_off_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # "completed": the review is done; "returned": sent back to the candidate with requests.
    outcome: Mapped[str | None] = mapped_column(String(20))
    # The line manager confirms the support the candidate was given.
    line_manager_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    supervision_confirmed: Mapped[bool | None] = mapped_column()
    protected_time_confirmed: Mapped[bool | None] = mapped_column()
    workload_reduction_confirmed: Mapped[bool | None] = mapped_column()
    line_manager_comment: Mapped[str] = mapped_column(Text, nullable=False, default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    candidate_response: Mapped[str] = mapped_column(Text, nullable=False, default="")
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    ratings = relationship("DomainProgress", cascade="all, delete-orphan",
                           order_by="DomainProgress.id")
    # In a stable order (an anonymised copy names each action's text by its place).
    actions = relationship("AgreedAction", cascade="all, delete-orphan",
                           order_by="(AgreedAction.due_on, AgreedAction.id)")
    assessor = relationship("User", foreign_keys=[assessor_id])


class DomainProgress(db.Model):
    """Progress on one PCF domain at a review point, with commentary."""

    __tablename__ = "domain_progress"
    __table_args__ = (
        UniqueConstraint("report_id", "element_id"),
        CheckConstraint("rating IN ('on_track', 'some_concerns', 'not_on_track')",
                        name="rating_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("review_report.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT"), nullable=False
    )
    rating: Mapped[str] = mapped_column(String(20), nullable=False)
    commentary: Mapped[str] = mapped_column(Text, nullable=False, default="")

    element = relationship("FrameworkElement")


class AgreedAction(db.Model):
    """An action agreed at a review (or in a support plan), with a date."""

    __tablename__ = "agreed_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("review_report.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str] = mapped_column(Text, nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False, default="")


class SupportPlanState(enum.StrEnum):
    """A support plan opens automatically (after a review finds the candidate not on track,
    or after a panel defers its decision); the assessor then records the objectives agreed
    with the candidate; it closes when it is no longer needed."""

    OPEN = "open"
    AGREED = "agreed"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {"open": "Open: objectives not agreed yet", "agreed": "Agreed",
                "closed": "Closed"}[self.value]


class SupportPlan(db.Model):
    """Opened when a review finds the candidate not on track, or when a panel defers its
    decision (`decision_id`; `report_id` is then the final report the panel read); visible
    to the candidate, their assessor and line manager and the programme lead until it is
    closed."""

    __tablename__ = "support_plan"
    __table_args__ = (
        CheckConstraint("state IN ('open', 'agreed', 'closed')", name="state_known"),
        # A closed plan has its closing date (and only a closed one); an agreed plan has
        # the date it was agreed.
        CheckConstraint("(state = 'closed') = (closed_on IS NOT NULL) AND "
                        "(state != 'agreed' OR agreed_on IS NOT NULL)",
                        name="state_has_its_dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    report_id: Mapped[int] = mapped_column(
        ForeignKey("review_report.id", ondelete="CASCADE"), nullable=False, unique=True
    )
    # The panel's deferral that opened the plan; NULL when a review opened it.
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE")
    )
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="open",
                                       server_default="open")
    opened_on: Mapped[date] = mapped_column(Date, nullable=False)
    review_on: Mapped[date] = mapped_column(Date, nullable=False)
    concerns: Mapped[str] = mapped_column(Text, nullable=False)
    objectives: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    agreed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    agreed_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)

    report = relationship("ReviewReport")
    portfolio = relationship("Portfolio")
    agreed_by = relationship("User")

    @property
    def opened_by_deferral(self) -> bool:
        return self.decision_id is not None

    @property
    def state_label(self) -> str:
        return SupportPlanState(self.state).label
