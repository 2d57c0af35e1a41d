"""Frameworks, their ordered element trees, PCF career levels, and version mappings.

Frameworks are national reference data shared by every council. A portfolio pins the
framework versions it started on, so several versions stay loaded at once.
"""

import enum
from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime

# The wording a data file gives an element whose real title could not be checked against
# the publisher (see data/SOURCES.md). It is a note for whoever maintains the data, never a
# title to show: such an element is named by its code alone until a new version fixes it.
PLACEHOLDER_TITLE_MARK = "(title not confirmed)"


def short_code(framework_code: str) -> str:
    """The name people use for a framework, from the first part of its code ('pcf' -> 'PCF',
    'kss-child-family' -> 'KSS'): codes are '<framework>' or '<framework>-<specialism>'."""
    return framework_code.split("-", 1)[0].upper()


def is_placeholder(title: str) -> bool:
    """True for a title a data file marked as not checked against the publisher."""
    return PLACEHOLDER_TITLE_MARK in title


def element_name(code: str, title: str) -> str:
    """'1 Professionalism' within its framework; '7' while the title is a placeholder."""
    if is_placeholder(title):
        return code
    return f"{code} {title}"


class FrameworkStatus(enum.StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    RETIRED = "retired"


class Framework(db.Model):
    __tablename__ = "framework"
    __table_args__ = (
        UniqueConstraint("code", "version"),
        CheckConstraint("status IN ('draft', 'active', 'retired')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    version: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    publisher: Mapped[str] = mapped_column(String(200), nullable=False)
    source: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="active")
    # A standard's place can be held before its text is loaded (a draft with no elements).
    published_on: Mapped[date | None] = mapped_column()
    applies_from: Mapped[date | None] = mapped_column()
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    elements = relationship(
        "FrameworkElement", back_populates="framework", order_by="FrameworkElement.position",
        cascade="all, delete-orphan",
    )
    levels = relationship(
        "FrameworkLevel", back_populates="framework", order_by="FrameworkLevel.position",
        cascade="all, delete-orphan",
    )

    @property
    def label(self) -> str:
        return f"{self.title} ({self.version})"

    @property
    def short_code(self) -> str:
        return short_code(self.code)


class FrameworkElement(db.Model):
    """A domain, statement or sub-element. `position` orders the whole tree depth-first."""

    __tablename__ = "framework_element"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), nullable=False, index=True
    )
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("framework_element.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(30), nullable=False)
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    group_name: Mapped[str | None] = mapped_column(String(60))
    position: Mapped[int] = mapped_column(nullable=False)
    depth: Mapped[int] = mapped_column(nullable=False, default=0)
    verified: Mapped[bool] = mapped_column(nullable=False, default=True)

    framework = relationship("Framework", back_populates="elements")
    parent = relationship("FrameworkElement", remote_side=[id])

    @property
    def name(self) -> str:
        """The element within its framework: '1 Professionalism'."""
        return element_name(self.code, self.title)

    @property
    def shown_title(self) -> str:
        """The title for anyone but an administrator: nothing while it is a placeholder."""
        return "" if is_placeholder(self.title) else self.title

    @property
    def label(self) -> str:
        """The element anywhere, with its framework: 'PCF 1 Professionalism', 'KSS 1 ...'."""
        return f"{self.framework.short_code} {self.name}"


class FrameworkLevel(db.Model):
    """A career level (PCF): entry to training ... strategic."""

    __tablename__ = "framework_level"
    __table_args__ = (UniqueConstraint("framework_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("framework.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(nullable=False)

    framework = relationship("Framework", back_populates="levels")


class ElementMapping(db.Model):
    """An element of one version that corresponds to an element of the next."""

    __tablename__ = "element_mapping"
    __table_args__ = (UniqueConstraint("from_element_id", "to_element_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    from_element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="CASCADE"), nullable=False, index=True
    )
    to_element_id: Mapped[int] = mapped_column(
        ForeignKey("framework_element.id", ondelete="CASCADE"), nullable=False, index=True
    )
    note: Mapped[str] = mapped_column(String(500), nullable=False, default="")

    from_element = relationship("FrameworkElement", foreign_keys=[from_element_id])
    to_element = relationship("FrameworkElement", foreign_keys=[to_element_id])


# Which framework versions a programme uses (a portfolio will pin these when it starts).
programme_framework = Table(
    "programme_framework",
    db.metadata,
    Column("programme_id", ForeignKey("programme.id", ondelete="CASCADE"), primary_key=True),
    Column("framework_id", ForeignKey("framework.id", ondelete="RESTRICT"), primary_key=True),
)
