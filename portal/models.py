"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from portal.accounts.invitations import Invitation
from portal.accounts.models import PasswordResetToken, RecoveryCode, TwoFactor, User, UserRole
from portal.accounts.single_sign_on.models import CouncilSignOn, SignOnIdentity
from portal.assessment.models import EvidenceFeedback, FeedbackRequest, Observation, ObservationLink
from portal.assignments.models import Assignment
from portal.core.audit import AuditEvent
from portal.core.once import FormSubmission
from portal.data_protection.models import SubjectAccessExport
from portal.evidence.models import Attachment, EvidenceDraft, EvidenceEntry, EvidenceLink
from portal.frameworks.models import (
    ElementMapping,
    Framework,
    FrameworkElement,
    FrameworkLevel,
    programme_framework,
)
from portal.moderation.models import (
    ModerationRound,
    ModerationSample,
    ModeratorFeedback,
    PanelConfirmation,
    round_council,
    round_moderator,
)
from portal.notifications.email_models import OutgoingEmail
from portal.notifications.models import Notification
from portal.organisations.models import Cohort, CohortMembership, Organisation, Team
from portal.packs.copies.models import AnonymisedCopy, RedactionDecision
from portal.packs.models import PortfolioPack
from portal.panels.letter_models import OutcomeLetter
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    DecisionAction,
    DecisionDomain,
    DecisionReviewRequest,
    MemberNote,
    Panel,
    PanelDecision,
    PanelMember,
    panel_programme,
)
from portal.partnerships.models import Partnership, PartnershipGrant, partnership_council
from portal.portfolios.framework_moves.models import FrameworkMove
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
from portal.portfolios.reviews.models import AgreedAction, DomainProgress, ReviewReport, SupportPlan
from portal.programmes.models import (
    ComponentRequirement,
    DecisionCode,
    Programme,
    ProgrammeStage,
    ReviewPointDefinition,
)
from portal.reminders.models import ReminderOptOut, ReminderSent
from portal.reports.models import LeavingRecord, TeamChange

__all__ = [
    "AgendaItem",
    "AgreedAction",
    "AnonymisedCopy",
    "Assignment",
    "Attachment",
    "AuditEvent",
    "CareerLevelRecord",
    "Cohort",
    "CohortMembership",
    "ComponentRequirement",
    "CouncilSignOn",
    "DecisionAction",
    "DecisionCode",
    "DecisionDomain",
    "DecisionReviewRequest",
    "DevelopmentPlan",
    "DomainProgress",
    "ElementMapping",
    "EvidenceDraft",
    "EvidenceEntry",
    "EvidenceFeedback",
    "EvidenceLink",
    "FeedbackRequest",
    "FormSubmission",
    "Framework",
    "FrameworkElement",
    "FrameworkLevel",
    "FrameworkMove",
    "Invitation",
    "KssRating",
    "KssSelfAssessment",
    "LeavingRecord",
    "MemberNote",
    "ModerationRound",
    "ModerationSample",
    "ModeratorFeedback",
    "Notification",
    "Observation",
    "ObservationLink",
    "Organisation",
    "OutcomeLetter",
    "OutgoingEmail",
    "Panel",
    "PanelConfirmation",
    "PanelDecision",
    "PanelMember",
    "Partnership",
    "PartnershipGrant",
    "PasswordResetToken",
    "Portfolio",
    "PortfolioEntry",
    "PortfolioPack",
    "PortfolioReviewPoint",
    "PortfolioSnapshot",
    "Programme",
    "ProgrammeStage",
    "ProtectedTimeRecord",
    "RecoveryCode",
    "RedactionDecision",
    "ReminderOptOut",
    "ReminderSent",
    "ReviewPointDefinition",
    "ReviewReport",
    "ScheduleChange",
    "SignOnIdentity",
    "SubjectAccessExport",
    "SupervisionRecord",
    "SupportAgreement",
    "SupportPlan",
    "Team",
    "TeamChange",
    "TwoFactor",
    "User",
    "UserRole",
    "panel_programme",
    "partnership_council",
    "programme_framework",
    "round_council",
    "round_moderator",
]
