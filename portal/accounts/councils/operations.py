"""Adding a council and its first administrator, who is invited by email."""

from dataclasses import dataclass

from sqlalchemy import func, select

from portal.accounts.invitations import invite
from portal.accounts.models import User, UserRole
from portal.accounts.operations import AccountError, find_by_email, normalise_email
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.db import db
from portal.organisations.models import Organisation


@dataclass(frozen=True)
class NewCouncil:
    name: str
    short_name: str
    two_factor_for_leads_and_admins: bool
    administrator_name: str
    administrator_email: str


def create_council(actor: User | None, details: NewCouncil) -> tuple[Organisation, User]:
    """The council, and its first administrator invited to set a password. `actor` is the
    service administrator (None from the command line)."""
    name = details.name.strip()
    if db.session.scalar(select(func.count(Organisation.id))
                         .where(func.lower(Organisation.name) == name.lower())):
        raise AccountError("A council with this name already exists", field="name")
    email = normalise_email(details.administrator_email)
    if find_by_email(email) is not None:
        raise AccountError("A user with this email address already exists",
                           field="administrator_email")
    council = Organisation(name=name, short_name=details.short_name.strip(),
                           two_factor_for_leads_and_admins=details.two_factor_for_leads_and_admins)
    db.session.add(council)
    db.session.flush()
    audit.record(actor, "council_created", council, organisation_id=council.id,
                 two_factor_for_leads_and_admins=details.two_factor_for_leads_and_admins)
    administrator = User(organisation_id=council.id, name=details.administrator_name.strip(),
                         email=email, active=True)
    administrator.role_grants = [UserRole(role=Role.ADMINISTRATOR.value)]
    db.session.add(administrator)
    db.session.flush()
    audit.record(actor, "user_created", administrator, roles=[Role.ADMINISTRATOR.value])
    invite(actor, administrator)
    return council, administrator


def make_service_administrator(user: User) -> bool:
    """Give `user` the service administrator role (the command line's job); True when it
    was not held before."""
    if user.has_role(Role.SERVICE_ADMINISTRATOR):
        return False
    user.role_grants.append(UserRole(role=Role.SERVICE_ADMINISTRATOR.value))
    db.session.flush()
    audit.record(None, "roles_changed", user,
                 after=sorted(grant.role for grant in user.role_grants))
    return True


def councils_with_counts() -> list:
    """Every council with its number of active people, by name."""
    people = (select(func.count(User.id)).where(User.organisation_id == Organisation.id,
                                                User.active)
              .correlate(Organisation).scalar_subquery())
    return db.session.execute(select(Organisation, people.label("people"))
                              .order_by(Organisation.name)).all()
