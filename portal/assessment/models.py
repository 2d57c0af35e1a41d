"""Assignments, feedback threads, observations, outside feedback links, review reports."""

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


class AssignmentRole(enum.StrEnum):
    ASSESSOR = "assessor"
    LINE_MANAGER = "line_manager"


class Assignment(db.Model):
    """Who assesses (or line-manages) a candidate, from when to when. Never deleted:
    reassigning ends one row and starts another, so the history is kept."""

    __tablename__ = "assignment"
    __table_args__ = (
        CheckConstraint("role IN ('assessor', 'line_manager')", name="role_known"),
        CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="dates_ordered"),
        Index("ix_assignment_staff_current", "staff_id", "role", "ended_on"),
        Index("ix_assignment_candidate_current", "candidate_id", "role", "ended_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
    )
    staff_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    started_on: Mapped[date] = mapped_column(Date, nullable=False)
    ended_on: Mapped[date | None] = mapped_column(Date)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )

    candidate = relationship("User", foreign_keys=[candidate_id])
    staff = relationship("User", foreign_keys=[staff_id])

    @property
    def current(self) -> bool:
        return self.ended_on is None


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
    actions = relationship("AgreedAction", cascade="all, delete-orphan",
                           order_by="AgreedAction.due_on")
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
