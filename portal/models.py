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
from portal.programmes.models import Programme

__all__ = [
    "Attachment",
    "AuditEvent",
    "Cohort",
    "CohortMembership",
    "ElementMapping",
    "EvidenceDraft",
    "EvidenceEntry",
    "EvidenceLink",
    "Framework",
    "FrameworkElement",
    "FrameworkLevel",
    "Organisation",
    "PasswordResetToken",
    "Programme",
    "Team",
    "User",
    "UserRole",
    "programme_framework",
]
