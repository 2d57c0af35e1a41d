"""Panels, agenda items, members' notes, decisions (never edited; corrected by new linked
records), career levels reached, and requests to review a decision."""

import enum
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime
from portal.programmes.models import OUTCOME_CHECK

panel_programme = Table(
    "panel_programme",
    db.metadata,
    Column("panel_id", ForeignKey("panel.id", ondelete="CASCADE"), primary_key=True),
    Column("programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
)


class PanelState(enum.StrEnum):
    """Where a panel is. `status` holds scheduled or closed; a cancelled panel is closed
    with the time and reason of its cancellation (see `Panel.state`)."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class Panel(db.Model):
    """A panel meeting. `min_members` is its quorum: the chair plus enough other members
    to make that many present and free of any conflict of interest for an item."""

    __tablename__ = "panel"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'closed')", name="status_known"),
        CheckConstraint("min_members >= 1 AND min_members <= 20", name="min_members_sensible"),
        # A cancellation has its time and reason, and closes the panel.
        CheckConstraint("(cancelled_at IS NULL AND cancellation_reason IS NULL) OR "
                        "(cancelled_at IS NOT NULL AND cancellation_reason IS NOT NULL "
                        "AND status = 'closed')", name="cancellation_complete"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    sits_on: Mapped[date] = mapped_column(Date, nullable=False, index=True)
    chair_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), nullable=False
    )
    min_members: Mapped[int] = mapped_column(nullable=False, default=3)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="scheduled")
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    # Set when the chair records who is present (on or after the panel's date).
    attendance_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancellation_reason: Mapped[str | None] = mapped_column(Text)

    chair = relationship("User", foreign_keys=[chair_id])
    programmes = relationship("Programme", secondary=panel_programme, order_by="Programme.name")
    members = relationship("PanelMember", cascade="all, delete-orphan",
                           order_by="PanelMember.id", back_populates="panel")
    agenda = relationship("AgendaItem", order_by="AgendaItem.position",
                          back_populates="panel")

    @property
    def state(self) -> PanelState:
        if self.cancelled_at is not None:
            return PanelState.CANCELLED
        return PanelState(self.status)

    @property
    def is_scheduled(self) -> bool:
        return self.state == PanelState.SCHEDULED

    def has_member(self, user_id: int) -> bool:
        """The person sits on this panel (the chair is a member too)."""
        return any(member.user_id == user_id for member in self.members)


class PanelMember(db.Model):
    """A member of the panel (the chair is a member too)."""

    __tablename__ = "panel_member"
    __table_args__ = (UniqueConstraint("panel_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), nullable=False, index=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    # None until attendance is recorded for the panel.
    present: Mapped[bool | None] = mapped_column(Boolean)

    panel = relationship("Panel", back_populates="members")
    user = relationship("User")


class AgendaItem(db.Model):
    """A submitted portfolio on a panel's agenda. A portfolio sits on one open agenda at
    a time (a partial unique index). `version` guards against two people deciding at once."""

    __tablename__ = "agenda_item"
    __table_args__ = (
        CheckConstraint("state IN ('waiting', 'decided', 'removed')", name="state_known"),
        # An item taken off the agenda says when and why; no other item has a reason.
        CheckConstraint("(state = 'removed' AND removed_at IS NOT NULL AND removal_reason "
                        "IS NOT NULL) OR (state != 'removed' AND removed_at IS NULL AND "
                        "removal_reason IS NULL)", name="removal_complete"),
        Index("uq_agenda_item_one_open_per_portfolio", "portfolio_id", unique=True,
              sqlite_where=text("state = 'waiting'"),
              postgresql_where=text("state = 'waiting'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    panel_id: Mapped[int] = mapped_column(
        ForeignKey("panel.id", ondelete="CASCADE"), nullable=False, index=True
    )
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_snapshot.id", ondelete="RESTRICT"), nullable=False
    )
    report_id: Mapped[int] = mapped_column(
        ForeignKey("review_report.id", ondelete="RESTRICT"), nullable=False
    )
    # What members see instead of the candidate's name until the chair reveals it.
    reference: Mapped[str] = mapped_column(String(20), nullable=False, unique=True)
    position: Mapped[int] = mapped_column(nullable=False, default=0)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="waiting")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    identity_revealed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revealed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(nullable=False, default=1)
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    removal_reason: Mapped[str | None] = mapped_column(Text)

    panel = relationship("Panel", back_populates="agenda")
    portfolio = relationship("Portfolio")
    snapshot = relationship("PortfolioSnapshot")
    report = relationship("ReviewReport")

    __mapper_args__ = {"version_id_col": version}


class MemberNote(db.Model):
    """A member's private notes and provisional view before the meeting."""

    __tablename__ = "member_note"
    __table_args__ = (
        UniqueConstraint("agenda_item_id", "member_id"),
        CheckConstraint("provisional_view IS NULL OR provisional_view IN ('approved', "
                        "'approved_with_actions', 'deferred', 'not_approved')",
                        name="view_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"), nullable=False, index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False
    )
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    provisional_view: Mapped[str | None] = mapped_column(String(30))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow,
                                                 onupdate=utcnow)


class PanelDecision(db.Model):
    """The panel's decision on an agenda item. Never edited: a correction is a new row that
    points at the one it corrects, with a reason. At most one original per agenda item."""

    __tablename__ = "panel_decision"
    __table_args__ = (
        CheckConstraint(OUTCOME_CHECK, name="outcome_known"),
        CheckConstraint("(corrects_id IS NULL AND correction_reason IS NULL) OR "
                        "(corrects_id IS NOT NULL AND correction_reason IS NOT NULL)",
                        name="correction_has_reason"),
        CheckConstraint("outcome != 'deferred' OR evidence_due_on IS NOT NULL",
                        name="deferral_has_deadline"),
        Index("uq_panel_decision_one_original", "agenda_item_id", unique=True,
              sqlite_where=text("corrects_id IS NULL"),
              postgresql_where=text("corrects_id IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    decision_code: Mapped[str] = mapped_column(String(40), nullable=False)
    decision_label: Mapped[str] = mapped_column(String(200), nullable=False)
    outcome: Mapped[str] = mapped_column(String(30), nullable=False)
    rationale: Mapped[str] = mapped_column(Text, nullable=False)
    evidence_due_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="RESTRICT"), index=True
    )
    correction_reason: Mapped[str | None] = mapped_column(Text)

    agenda_item = relationship("AgendaItem")
    domains = relationship("DecisionDomain", cascade="all, delete-orphan")
    # In a stable order (an anonymised copy names each action's text by its place).
    actions = relationship("DecisionAction", cascade="all, delete-orphan",
                           order_by="(DecisionAction.due_on, DecisionAction.id)")
    decided_by = relationship("User")
    corrects = relationship("PanelDecision", remote_side=[id])


class DecisionDomain(db.Model):
    """A framework domain the decision's rationale refers to."""

    __tablename__ = "decision_domain"
    __table_args__ = (UniqueConstraint("decision_id", "element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE"), nullable=False, index=True
    )
    element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="RESTRICT"), nullable=False
    )
    element = relationship("FrameworkElement")


class DecisionAction(db.Model):
    __tablename__ = "decision_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE"), nullable=False, index=True
    )
    description: Mapped[str] = mapped_column(Text, nullable=False)
    owner: Mapped[str] = mapped_column(String(200), nullable=False)
    due_on: Mapped[date] = mapped_column(Date, nullable=False)


class CareerLevelRecord(db.Model):
    """A career level a person reached (e.g. ASYE complete), and the decision that did it."""

    __tablename__ = "career_level_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    level_code: Mapped[str] = mapped_column(String(60), nullable=False)
    level_title: Mapped[str] = mapped_column(String(200), nullable=False)
    achieved_on: Mapped[date] = mapped_column(Date, nullable=False)
    decision_id: Mapped[int | None] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="SET NULL")
    )
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DecisionReviewRequest(db.Model):
    """A candidate asks for a decision to be reviewed; the programme lead records the outcome."""

    __tablename__ = "decision_review_request"
    __table_args__ = (
        UniqueConstraint("decision_id"),
        CheckConstraint("outcome IS NULL OR outcome IN ('upheld', 'changed')",
                        name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        ForeignKey("panel_decision.id", ondelete="CASCADE"), nullable=False
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    reasons: Mapped[str] = mapped_column(Text, nullable=False)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    decision = relationship("PanelDecision")
