"""Organisation (council), team, cohort and cohort membership."""

import enum
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    String,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db


class EntryRoute(enum.StrEnum):
    UNIVERSITY = "university"
    APPRENTICESHIP = "apprenticeship"
    STEP_UP = "step_up"
    FRONTLINE = "frontline"
    THINK_AHEAD = "think_ahead"
    RETURN_TO_PRACTICE = "return_to_practice"
    GROW_YOUR_OWN = "grow_your_own"
    INTERNATIONAL = "international"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ENTRY_ROUTE_LABELS[self]


ENTRY_ROUTE_LABELS = {
    EntryRoute.UNIVERSITY: "University degree",
    EntryRoute.APPRENTICESHIP: "Social work degree apprenticeship",
    EntryRoute.STEP_UP: "Step Up to Social Work",
    EntryRoute.FRONTLINE: "Frontline",
    EntryRoute.THINK_AHEAD: "Think Ahead",
    EntryRoute.RETURN_TO_PRACTICE: "Return to practice",
    EntryRoute.GROW_YOUR_OWN: "Internal (grow your own)",
    EntryRoute.INTERNATIONAL: "International recruitment",
    EntryRoute.OTHER: "Other",
}


def _values_check(column: str, values) -> str:
    quoted = ", ".join(f"'{v.value}'" for v in values)
    return f"{column} IN ({quoted})"


class Organisation(db.Model):
    """A council (or other employer). Everything belongs to exactly one."""

    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    short_name: Mapped[str] = mapped_column(String(60), nullable=False)
    # Administrators and programme leads can see and change the most: unless the council
    # turns this off, they must sign in with an authenticator app code as well.
    two_factor_for_leads_and_admins: Mapped[bool] = mapped_column(
        nullable=False, default=True, server_default=true())

    teams = relationship("Team", back_populates="organisation", order_by="Team.name")

    def __str__(self) -> str:
        return self.name


class Team(db.Model):
    __tablename__ = "team"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)

    organisation = relationship("Organisation", back_populates="teams")

    def __str__(self) -> str:
        return self.name


class Cohort(db.Model):
    """A group of candidates who start a programme together."""

    __tablename__ = "cohort"
    __table_args__ = (
        UniqueConstraint("organisation_id", "name"),
        CheckConstraint(_values_check("entry_route", EntryRoute), name="entry_route_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    entry_route: Mapped[str] = mapped_column(String(40), nullable=False)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    organisation = relationship("Organisation")
    programme = relationship("Programme")
    memberships = relationship(
        "CohortMembership", back_populates="cohort", cascade="all, delete-orphan"
    )

    @property
    def entry_route_label(self) -> str:
        return EntryRoute(self.entry_route).label


class CohortMembership(db.Model):
    """A candidate belonging to a cohort (issue 4 hangs their portfolio off this)."""

    __tablename__ = "cohort_membership"
    __table_args__ = (UniqueConstraint("cohort_id", "candidate_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(
        ForeignKey("cohort.id", ondelete="CASCADE"), nullable=False, index=True
    )
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    joined_on: Mapped[date] = mapped_column(Date, nullable=False)

    cohort = relationship("Cohort", back_populates="memberships")
    candidate = relationship("User")
