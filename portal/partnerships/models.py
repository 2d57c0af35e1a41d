"""A teaching partnership (councils grouped by the service administrator) and the grants
its councils give each other. A grant is one council sharing one thing with one other
council for a period; it is in force from its first day to its last unless withdrawn."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class SharedPurpose(StrEnum):
    """What a council can share with another council of its partnership."""

    PANEL_MEMBERSHIP = "panel_membership"
    EXTERNAL_MODERATION = "external_moderation"
    PARTNERSHIP_REPORTS = "partnership_reports"

    @property
    def label(self) -> str:
        return PURPOSE_LABELS[self][0]

    @property
    def meaning(self) -> str:
        """What the receiving council may do while the grant is in force."""
        return PURPOSE_LABELS[self][1]


PURPOSE_LABELS = {
    SharedPurpose.PANEL_MEMBERSHIP: (
        "Panel membership", "Its panel members and chairs can be asked to sit on your "
                            "council's progression panels."),
    SharedPurpose.EXTERNAL_MODERATION: (
        "External moderation", "Its programme leads can include your council's panel "
                               "outcomes in their external moderation rounds, and its "
                               "moderators read the anonymised packs."),
    SharedPurpose.PARTNERSHIP_REPORTS: (
        "Partnership reports", "Your council's figures are added into its partnership "
                               "reports: counts only, never names, small numbers hidden."),
}


class GrantState(StrEnum):
    GRANTED = "granted"  # in force on the days of its period
    WITHDRAWN = "withdrawn"  # ended early by the granting council; never in force again


def _known(column: str, values) -> str:
    return f"{column} IN (" + ", ".join(f"'{v.value}'" for v in values) + ")"


partnership_council = Table(
    "partnership_council", db.metadata,
    Column("partnership_id", ForeignKey("partnership.id", ondelete="CASCADE"),
           primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class Partnership(db.Model):
    """A teaching partnership: councils (and the university they work with, outside the
    portal) that share panels, moderation and reporting, each only by grant."""

    __tablename__ = "partnership"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    councils = relationship("Organisation", secondary=partnership_council,
                            order_by="Organisation.name")
    grants = relationship("PartnershipGrant", back_populates="partnership",
                          order_by="PartnershipGrant.id", cascade="all, delete-orphan")

    def has_council(self, organisation_id: int) -> bool:
        return any(council.id == organisation_id for council in self.councils)


class PartnershipGrant(db.Model):
    """One council (granting) shares one thing (purpose) with another (receiving)."""

    __tablename__ = "partnership_grant"
    __table_args__ = (
        CheckConstraint(_known("purpose", SharedPurpose), name="purpose_known"),
        CheckConstraint(_known("state", GrantState), name="state_known"),
        CheckConstraint("granting_organisation_id <> receiving_organisation_id",
                        name="between_two_councils"),
        CheckConstraint("starts_on <= ends_on", name="period_in_order"),
        CheckConstraint("(state = 'granted' AND withdrawn_at IS NULL) OR "
                        "(state = 'withdrawn' AND withdrawn_at IS NOT NULL)",
                        name="withdrawn_has_time"),
        # The question every access check asks: who shares this with my council?
        Index("ix_partnership_grant_receiving", "receiving_organisation_id", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnership.id", ondelete="CASCADE"), nullable=False, index=True)
    granting_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    receiving_organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(30), nullable=False)
    starts_on: Mapped[date] = mapped_column(Date, nullable=False)
    ends_on: Mapped[date] = mapped_column(Date, nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=GrantState.GRANTED)
    granted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    partnership = relationship("Partnership", back_populates="grants")
    granting = relationship("Organisation", foreign_keys=[granting_organisation_id])
    receiving = relationship("Organisation", foreign_keys=[receiving_organisation_id])

    @property
    def shared(self) -> SharedPurpose:
        return SharedPurpose(self.purpose)

    def in_force_on(self, day: date) -> bool:
        return self.state == GrantState.GRANTED and self.starts_on <= day <= self.ends_on

    def status_on(self, day: date) -> str:
        """How the grant stands on `day`, in words for its tag."""
        if self.state == GrantState.WITHDRAWN:
            return "Withdrawn"
        if day < self.starts_on:
            return "Not started"
        return "In force" if day <= self.ends_on else "Ended"
