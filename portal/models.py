"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import PasswordResetToken, User, UserRole
from portal.core.audit import AuditEvent
from portal.evidence.models import Attachment, EvidenceDraft, EvidenceEntry, EvidenceLink
from portal.frameworks.models import (
    ElementMapping,
    Framework,
    FrameworkElement,
    FrameworkLevel,
    programme_framework,
)
from portal.organisations.models import Cohort, CohortMembership, Organisation, Team
from portal.portfolios.models import (
    DevelopmentPlan,
    KssRating,
    KssSelfAssessment,
    Portfolio,
    PortfolioEntry,
    PortfolioReviewPoint,
    PortfolioSnapshot,
    ProtectedTimeRecord,
    ScheduleChange,
    SupervisionRecord,
    SupportAgreement,
)
from portal.programmes.models import (
    ComponentRequirement,
    Programme,
    ProgrammeStage,
    ReviewPointDefinition,
)

__all__ = [
    "Attachment",
    "AuditEvent",
    "Cohort",
    "CohortMembership",
    "ComponentRequirement",
    "DevelopmentPlan",
    "ElementMapping",
    "EvidenceDraft",
    "EvidenceEntry",
    "EvidenceLink",
    "Framework",
    "FrameworkElement",
    "FrameworkLevel",
    "KssRating",
    "KssSelfAssessment",
    "Organisation",
    "PasswordResetToken",
    "Portfolio",
    "PortfolioEntry",
    "PortfolioReviewPoint",
    "PortfolioSnapshot",
    "Programme",
    "ProgrammeStage",
    "ProtectedTimeRecord",
    "ReviewPointDefinition",
    "ScheduleChange",
    "SupervisionRecord",
    "SupportAgreement",
    "Team",
    "User",
    "UserRole",
    "programme_framework",
]
