"""A subject access export: everything the portal holds about one person, as a zip built
by a background job and kept in file storage for the administrator who asked."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class ExportState(StrEnum):
    QUEUED = "queued"  # asked for; waiting for the job
    READY = "ready"    # stored, and can be downloaded (until it expires)
    FAILED = "failed"  # the job could not build it (asking again tries again)


class SubjectAccessExport(db.Model):
    """One request for a person's data. The zip is in file storage under `stored_name`, a
    name storage made; `sha256` and `size` let the administrator check what they sent on.
    When it expires is worked out from `ready_at` and SUBJECT_ACCESS_DAYS, not stored."""

    __tablename__ = "subject_access_export"
    __table_args__ = (
        CheckConstraint("state IN (" + ", ".join(f"'{s.value}'" for s in ExportState) + ")",
                        name="state_known"),
        CheckConstraint("state <> 'ready' OR (stored_name IS NOT NULL AND ready_at IS NOT NULL "
                        "AND sha256 IS NOT NULL AND size IS NOT NULL)", name="ready_has_file"),
        Index("ix_subject_access_export_subject", "subject_id", "requested_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    subject_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"))
    state: Mapped[str] = mapped_column(String(20), nullable=False, default=ExportState.QUEUED)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False,
                                                   default=utcnow)
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    stored_name: Mapped[str | None] = mapped_column(String(32))
    sha256: Mapped[str | None] = mapped_column(String(64))
    size: Mapped[int | None] = mapped_column(BigInteger)
    # What went wrong, by kind (an exception's class name), never anyone's words.
    last_error: Mapped[str | None] = mapped_column(String(120))
