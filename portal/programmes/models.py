"""Programmes as configuration: stages, review points, required components, the
frameworks assessed against and the panel's decision codes.

A council's programme starts blank or as a copy of a shipped template (YAML). Programmes are
versioned: every version is its own row sharing the family's `code`, numbered by `version`.
A version that a cohort or portfolio uses is frozen; changing it means a new draft version
(see docs/programmes.md).
"""

import enum
import uuid

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db


class ProgrammeKind(enum.StrEnum):
    ASYE = "asye"
    EPD = "epd"
    PROGRESSION = "progression"


class RecordKind(enum.StrEnum):
    """Structured portfolio records that are not plain evidence entries."""

    SUPPORT_AGREEMENT = "support_agreement"
    DEVELOPMENT_PLAN = "development_plan"
    SUPERVISION = "supervision"
    PROTECTED_TIME = "protected_time"
    KSS_SELF_ASSESSMENT = "kss_self_assessment"


class ProgrammeState(enum.StrEnum):
    """A version's place: drafted (editable, not offered to cohorts), published (offered to
    new cohorts), or superseded by a later published version (its cohorts stay on it)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"

    @property
    def label(self) -> str:
        return {"draft": "Draft", "published": "Published",
                "superseded": "Replaced by a later version"}[self.value]


class Outcome(enum.StrEnum):
    """What a decision code means for the candidate, whatever the council calls it."""

    APPROVED = "approved"
    APPROVED_WITH_ACTIONS = "approved_with_actions"
    DEFERRED = "deferred"
    NOT_APPROVED = "not_approved"

    @property
    def label(self) -> str:
        return {"approved": "Approved", "approved_with_actions": "Approved with actions",
                "deferred": "Deferred", "not_approved": "Not approved"}[self.value]


OUTCOME_CHECK = "outcome IN ('approved', 'approved_with_actions', 'deferred', 'not_approved')"

DEFAULT_DECISION_CODES = [
    ("approved", "Approved", Outcome.APPROVED),
    ("approved-with-actions", "Approved with development actions",
     Outcome.APPROVED_WITH_ACTIONS),
    ("deferred", "Deferred: more evidence needed by a date", Outcome.DEFERRED),
    ("not-approved", "Not approved", Outcome.NOT_APPROVED),
]


def new_config_key() -> str:
    return uuid.uuid4().hex


class Programme(db.Model):
    __tablename__ = "programme"
    __table_args__ = (
        # Each version row has a code of its own (a family's first version keeps the
        # family's code; later ones add "-v<n>"), and one row per family and number.
        UniqueConstraint("organisation_id", "code"),
        Index("ix_programme_family_version", "organisation_id", "family_code", "version",
              unique=True),
        CheckConstraint("kind IN ('asye', 'epd', 'progression')", name="kind_known"),
        CheckConstraint("state IN ('draft', 'published', 'superseded')", name="state_known"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("duration_months BETWEEN 1 AND 60", name="duration_sensible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="asye")
    # The PCF career level a successful candidate reaches (a FrameworkLevel code).
    target_level: Mapped[str | None] = mapped_column(String(60))
    duration_months: Mapped[int] = mapped_column(nullable=False, default=12)
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    # The family every version of this programme shares; set once, never changed.
    family_code: Mapped[str] = mapped_column(String(60), nullable=False, server_default="")
    version: Mapped[int] = mapped_column(nullable=False, default=1, server_default="1")
    state: Mapped[str] = mapped_column(String(20), nullable=False, default="published",
                                       server_default="published")
    # A shipped template still to be checked against its publisher's guidance.
    provisional_note: Mapped[str | None] = mapped_column(String(300))
    # Replaced whenever stages, review points or components change, so every process's
    # cached copy of the configuration (programmes.configuration) goes stale at once.
    config_key: Mapped[str] = mapped_column(String(32), nullable=False, default=new_config_key,
                                            server_default="initial")

    organisation = relationship("Organisation")
    frameworks = relationship(
        "Framework", secondary="programme_framework", order_by="Framework.code"
    )
    stages = relationship("ProgrammeStage", order_by="ProgrammeStage.position",
                          cascade="all, delete-orphan", back_populates="programme")
    review_points = relationship("ReviewPointDefinition",
                                 order_by="ReviewPointDefinition.position",
                                 cascade="all, delete-orphan", back_populates="programme")
    components = relationship("ComponentRequirement", order_by="ComponentRequirement.position",
                              cascade="all, delete-orphan", back_populates="programme")
    decision_codes = relationship("DecisionCode", order_by="DecisionCode.position",
                                  cascade="all, delete-orphan", back_populates="programme")

    def __str__(self) -> str:
        return self.name

    @property
    def state_label(self) -> str:
        return ProgrammeState(self.state).label


@event.listens_for(Programme, "before_insert")
def _first_version_names_its_family(_mapper, _connection, programme: Programme) -> None:
    """A programme created without a family (a template install, a test's factory) starts
    one under its own code."""
    if not programme.family_code:
        programme.family_code = programme.code


class ProgrammeStage(db.Model):
    """A period of the programme (ASYE: beginning, 0-3, 3-6, 6-12 months)."""

    __tablename__ = "programme_stage"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("start_month >= 0 AND end_month > start_month", name="months_ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    start_month: Mapped[int] = mapped_column(nullable=False)
    end_month: Mapped[int] = mapped_column(nullable=False)
    position: Mapped[int] = mapped_column(nullable=False)

    programme = relationship("Programme", back_populates="stages")


class ReviewPointDefinition(db.Model):
    """When a review falls, in months from the candidate's start date."""

    __tablename__ = "review_point_definition"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("due_month >= 0 AND due_month <= 60", name="due_month_sensible"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    title: Mapped[str] = mapped_column(String(120), nullable=False)
    due_month: Mapped[int] = mapped_column(nullable=False)
    optional: Mapped[bool] = mapped_column(nullable=False, default=False)
    is_final: Mapped[bool] = mapped_column(nullable=False, default=False)
    # What the candidate and assessor bring to this review, in the lead's words.
    needs: Mapped[str] = mapped_column(Text, nullable=False, default="", server_default="")
    position: Mapped[int] = mapped_column(nullable=False)

    programme = relationship("Programme", back_populates="review_points")


class ComponentRequirement(db.Model):
    """Something the portfolio must contain, at least `min_count` times (per stage if set)."""

    __tablename__ = "component_requirement"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("min_count >= 0 AND min_count <= 100", name="min_count_sensible"),
        CheckConstraint(
            "(source = 'evidence' AND evidence_type IS NOT NULL AND record_kind IS NULL) OR "
            "(source = 'record' AND record_kind IS NOT NULL AND evidence_type IS NULL)",
            name="source_matches_kind",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(60), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(String(20), nullable=False)
    evidence_type: Mapped[str | None] = mapped_column(String(40))
    record_kind: Mapped[str | None] = mapped_column(String(40))
    min_count: Mapped[int] = mapped_column(nullable=False, default=1)
    # Stage codes the count applies to, each separately; NULL means the whole programme.
    per_stage: Mapped[list | None] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(nullable=False)

    programme = relationship("Programme", back_populates="components")


class DecisionCode(db.Model):
    """A programme's wording for a panel decision (configurable per council and version)."""

    __tablename__ = "decision_code"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint(OUTCOME_CHECK, name="outcome_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(
        ForeignKey("programme.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    label: Mapped[str] = mapped_column(String(200), nullable=False)
    outcome: Mapped[str] = mapped_column(String(30), nullable=False)
    position: Mapped[int] = mapped_column(nullable=False, default=0)

    programme = relationship("Programme", back_populates="decision_codes")

    @property
    def outcome_label(self) -> str:
        return Outcome(self.outcome).label
