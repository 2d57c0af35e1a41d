"""A programme a council runs. Issue 4 adds frameworks, review points and components."""

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db


class Programme(db.Model):
    __tablename__ = "programme"
    __table_args__ = (UniqueConstraint("organisation_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    duration_months: Mapped[int] = mapped_column(nullable=False, default=12)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)

    organisation = relationship("Organisation")
    frameworks = relationship(
        "Framework", secondary="programme_framework", order_by="Framework.code"
    )

    def __str__(self) -> str:
        return self.name
