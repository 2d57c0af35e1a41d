"""A portfolio pack: one person's PDF of one submitted snapshot, built by a background job
and kept in file storage for the person who asked."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class PackState(StrEnum):
    QUEUED = "queued"      # asked for; waiting for the job
    BUILDING = "building"  # the job is fetching files and making the PDF
    READY = "ready"        # stored, and can be downloaded by the person who asked
    FAILED = "failed"      # the job could not make it (asking again tries again)


class PortfolioPack(db.Model):
    """A pack holds what its requester may read, so it is theirs alone: another reader asks
    for their own. With `agenda_item_id` it was asked for from a panel's agenda and is
    anonymised as the panel reads the snapshot. The PDF is in file storage under
    `stored_name`, a name storage made."""

    __tablename__ = "portfolio_pack"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s.value}'" for s in PackState) + ")",
                        name="state_known"),
        CheckConstraint("state <> 'ready' OR (stored_name IS NOT NULL AND ready_at IS NOT NULL "
                        "AND sha256 IS NOT NULL AND size IS NOT NULL AND pages IS NOT NULL)",
                        name="ready_has_file"),
        CheckConstraint("steps_done >= 0 AND steps_done <= steps_total", name="steps_in_range"),
        CheckConstraint("agenda_item_id IS NULL OR copy_id IS NULL", name="one_anonymisation"),
        Index("ix_portfolio_pack_snapshot_requester", "snapshot_id", "requested_by_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio_snapshot.id", ondelete="CASCADE"), nullable=False)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="CASCADE"))
    # With `copy_id` it is the pack of an approved anonymised copy (portal.packs.copies).
    copy_id: Mapped[int | None] = mapped_column(
        ForeignKey("anonymised_copy.id", ondelete="CASCADE"))
    requested_by_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=PackState.QUEUED)
    # Progress for the polling fragment: files fetched, then the PDF made, merged and stored.
    steps_done: Mapped[int] = mapped_column(nullable=False, default=0)
    steps_total: Mapped[int] = mapped_column(nullable=False, default=0)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False,
                                                   default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stored_name: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    pages: Mapped[int | None] = mapped_column()
    # What went wrong, by kind (an exception's class name), never anyone's words.
    last_error: Mapped[str | None] = mapped_column(String(120))

    snapshot = relationship("PortfolioSnapshot")
    agenda_item = relationship("AgendaItem")
    copy = relationship("AnonymisedCopy")
    requested_by = relationship("User")

    @property
    def anonymised(self) -> bool:
        return self.agenda_item_id is not None or self.copy_id is not None
