"""Who assesses and line-manages whom: one row per assignment, never deleted."""

import enum
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db


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
