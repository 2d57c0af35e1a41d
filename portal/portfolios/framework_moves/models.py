"""The record of a portfolio's move to another framework version.

Only the fact of the move is kept: what carried over and what did not map are worked out
from the evidence links and the mappings (portal.portfolios.framework_moves.queries), so
nothing here is a copy to keep in step.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime


class FrameworkMove(db.Model):
    __tablename__ = "framework_move"
    __table_args__ = (
        CheckConstraint("from_framework_id <> to_framework_id", name="moves_somewhere"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    portfolio_id: Mapped[int] = mapped_column(
        ForeignKey("portfolio.id", ondelete="CASCADE"), nullable=False, index=True
    )
    from_framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="RESTRICT"), nullable=False
    )
    to_framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="RESTRICT"), nullable=False
    )
    moved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL")
    )
    moved_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    from_framework = relationship("Framework", foreign_keys=[from_framework_id])
    to_framework = relationship("Framework", foreign_keys=[to_framework_id])
    moved_by = relationship("User")
