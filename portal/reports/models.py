"""Leaving and team-change records: the events the retention report counts from; and the
registration details the ASYE funding claims ask for.

A candidate's current team stays on their account (`user_account.team_id`); a team change
is the dated event that moved it, kept so the board can see movement between teams.
"""

import enum
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class LeavingReason(enum.StrEnum):
    """Reasons for leaving, as the DfE children's social work workforce census (CSWW)
    codes them in its `ReasonLeave` item (codes 1 to 9). Source: the census guide for
    local authorities and its XML schema, as published in
    SocialFinanceDigitalLabs/liia-tools, liiatools/spec/social_work_workforce/
    social_work_workforce_2022.xsd (`reasontype`). The census's code 10, "not yet
    collected", is a placeholder for an incomplete return, not a reason, so it is left out.
    """

    RESIGNATION = "resignation"
    VOLUNTARY_REDUNDANCY = "voluntary_redundancy"
    COMPULSORY_REDUNDANCY = "compulsory_redundancy"
    DISMISSED = "dismissed"
    RETIRED = "retired"
    DECEASED = "deceased"
    MOVED_WITHIN_COUNCIL = "moved_within_council"
    OTHER = "other"
    NOT_KNOWN = "not_known"

    @property
    def label(self) -> str:
        return LEAVING_REASONS[self][1]

    @property
    def census_code(self) -> int:
        return LEAVING_REASONS[self][0]


LEAVING_REASONS = {
    LeavingReason.RESIGNATION: (1, "Resignation"),
    LeavingReason.VOLUNTARY_REDUNDANCY: (2, "Voluntary redundancy"),
    LeavingReason.COMPULSORY_REDUNDANCY: (3, "Compulsory redundancy"),
    LeavingReason.DISMISSED: (4, "Dismissed"),
    LeavingReason.RETIRED: (5, "Retired"),
    LeavingReason.DECEASED: (6, "Deceased"),
    LeavingReason.MOVED_WITHIN_COUNCIL: (
        7, "Moved to a role within the council that is not child and family social work"),
    LeavingReason.OTHER: (8, "Other"),
    LeavingReason.NOT_KNOWN: (9, "Not known"),
}

REASON_CHECK = "reason IN (" + ", ".join(f"'{r.value}'" for r in LeavingReason) + ")"


class LeavingRecord(db.Model):
    """When and why a social worker left the council. One per person: someone who comes
    back is a new starter in a new cohort, and this record is corrected, not repeated."""

    __tablename__ = "leaving_record"
    __table_args__ = (CheckConstraint(REASON_CHECK, name="reason_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, unique=True)
    left_on: Mapped[date] = mapped_column(Date, nullable=False)
    reason: Mapped[str] = mapped_column(String(40), nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    @property
    def reason_label(self) -> str:
        return LeavingReason(self.reason).label


class TeamChange(db.Model):
    """A social worker moving from one team to another on a date."""

    __tablename__ = "team_change"
    __table_args__ = (
        CheckConstraint("from_team_id IS NULL OR from_team_id != to_team_id",
                        name="moves_somewhere"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    from_team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"))
    to_team_id: Mapped[int] = mapped_column(
        ForeignKey("team.id", ondelete="CASCADE"), nullable=False)
    changed_on: Mapped[date] = mapped_column(Date, nullable=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    from_team = relationship("Team", foreign_keys=[from_team_id])
    to_team = relationship("Team", foreign_keys=[to_team_id])


SWE_NUMBER_CHECK = "swe_number IS NULL OR swe_number LIKE 'SW%'"


class ProfessionalRegistration(db.Model):
    """What the funding claims ask of a newly qualified social worker: when they qualified,
    their Social Work England registration number, and the day they were registered for
    the ASYE. One per person, corrected in place. The ASYE's completion is not kept here:
    it is the day of their ASYE portfolio's final panel decision."""

    __tablename__ = "professional_registration"
    __table_args__ = (CheckConstraint(SWE_NUMBER_CHECK, name="swe_number_shape"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, unique=True)
    qualified_on: Mapped[date | None] = mapped_column(Date)
    swe_number: Mapped[str | None] = mapped_column(String(12))
    asye_registered_on: Mapped[date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
