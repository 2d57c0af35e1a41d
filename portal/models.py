"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import PasswordResetToken, User, UserRole
from portal.assessment.models import (
    AgreedAction,
    Assignment,
    DomainProgress,
    EvidenceFeedback,
    FeedbackRequest,
    Observation,
    ObservationLink,
    ReviewReport,
    SupportPlan,
)
from portal.core.audit import AuditEvent
from portal.evidence.models import Attachment, EvidenceDraft, EvidenceEntry, EvidenceLink
from portal.frameworks.models import (
    ElementMapping,
    Framework,
    FrameworkElement,
    FrameworkLevel,
    programme_framework,
)
from portal.notifications.models import Notification
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
    "AgreedAction",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "Cohort",
    "CohortMembership",
    "ComponentRequirement",
    "DevelopmentPlan",
    "DomainProgress",
    "ElementMapping",
    "EvidenceDraft",
    "EvidenceEntry",
    "EvidenceFeedback",
    "EvidenceLink",
    "FeedbackRequest",
    "Framework",
    "FrameworkElement",
    "FrameworkLevel",
    "KssRating",
    "KssSelfAssessment",
    "Notification",
    "Observation",
    "ObservationLink",
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
    "ReviewReport",
    "ScheduleChange",
    "SupervisionRecord",
    "SupportAgreement",
    "SupportPlan",
    "Team",
    "User",
    "UserRole",
    "programme_framework",
]
