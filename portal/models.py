"""Import every model so SQLAlchemy's metadata (and Alembic) sees the whole schema."""

from portal.accounts.models import PasswordResetToken, User, UserRole
from portal.core.audit import AuditEvent
from portal.organisations.models import Cohort, CohortMembership, Organisation, Team
from portal.programmes.models import Programme

__all__ = [
    "AuditEvent",
    "Cohort",
    "CohortMembership",
    "Organisation",
    "PasswordResetToken",
    "Programme",
    "Team",
    "User",
    "UserRole",
]
