"""Changes to accounts. Each takes the acting user explicitly, writes an audit row,
flushes and leaves the commit to the request boundary."""

import hashlib
import secrets
from dataclasses import dataclass, replace
from datetime import timedelta
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import PasswordResetToken, User, UserRole, new_session_token
from portal.accounts.passwords import hash_password, needs_rehash, verify_password
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.db import db, utcnow
from portal.organisations.models import Team


class AccountError(ValueError):
    """A change that cannot be made, with a message fit to show the user."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# Signing in and out -------------------------------------------------------------------
def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None (same effort either way)."""
    user = find_by_email(email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


# The record a failed sign-in names when no account has the address typed.
NO_ACCOUNT = SimpleNamespace(__tablename__="user_account", id=None, organisation_id=None)


def record_failed_sign_in(email: str) -> None:
    """A failed sign-in goes in the trail of the account it named. An address with no
    account gets a row too, in no council's trail and without the address (which may be
    anyone's): the same work either way, so its timing does not say which addresses have
    accounts."""
    user = find_by_email(email)
    if user is not None:
        audit.record(None, "sign_in_failed", user)
    else:
        audit.record(None, "sign_in_failed", NO_ACCOUNT)


def record_sign_in(user: User) -> None:
    user.last_sign_in_at = utcnow()
    audit.record(user, "signed_in", user)


def end_all_sessions(user: User) -> None:
    """Invalidate every session cookie the user holds (logout, password change...)."""
    user.session_token = new_session_token()
    db.session.flush()


def sign_out(user: User) -> None:
    end_all_sessions(user)
    audit.record(user, "signed_out", user)


# Passwords ----------------------------------------------------------------------------
def change_password(actor: User, current_password: str, new_password: str) -> None:
    if not verify_password(actor.password_hash, current_password):
        raise AccountError("Your current password is not correct", field="current_password")
    _set_password(actor, new_password)
    audit.record(actor, "password_changed", actor)


def _set_password(user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    cancel_reset_links(user)


def cancel_reset_links(user: User) -> None:
    """A reset link stops working once the password or the email address changes."""
    now = utcnow()
    for token in db.session.scalars(select(PasswordResetToken).where(
            PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))):
        token.used_at = now
    db.session.flush()


def _token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_password_reset(user: User) -> str:
    """Create a single-use reset token and return its secret (only the hash is kept)."""
    secret = secrets.token_urlsafe(32)
    hours = current_app.config["PASSWORD_RESET_HOURS"]
    db.session.add(
        PasswordResetToken(
            user_id=user.id,
            token_hash=_token_hash(secret),
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    audit.record(None, "password_reset_requested", user)
    return secret


def valid_reset_token(secret: str) -> PasswordResetToken | None:
    token = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == _token_hash(secret))
    )
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    if not token.user.active:
        return None
    return token


def reset_password(secret: str, new_password: str) -> User:
    token = valid_reset_token(secret)
    if token is None:
        raise AccountError("This link has expired or has already been used")
    _set_password(token.user, new_password)  # also uses up this and any other links
    audit.record(token.user, "password_reset", token.user)
    return token.user


# Administration ------------------------------------------------------------------------
@dataclass
class UserDetails:
    name: str
    email: str
    roles: set[Role]
    team_id: int | None = None


def check_may_take_over(actor: User, user: User, field: str | None) -> None:
    """Refuse a council administrator a change to how a service administrator signs in
    (their address, which password resets go to, a council sign-in link, their two-factor
    app, or whether they may sign in at all): the role is above the councils, so no
    council's administrator controls it."""
    if (Role.SERVICE_ADMINISTRATOR in user.roles and actor.id != user.id
            and Role.SERVICE_ADMINISTRATOR not in actor.roles):
        raise AccountError("Only a service administrator can change how a service "
                           "administrator signs in", field=field)


def _check_email_free(email: str, except_user: User | None = None) -> None:
    query = select(func.count()).select_from(User).where(User.email == email)
    if except_user is not None:
        query = query.where(User.id != except_user.id)
    if db.session.scalar(query):
        raise AccountError("A user with this email address already exists", field="email")


def _check_team(actor: User, team_id: int | None) -> None:
    if team_id is None:
        return
    team = db.session.get(Team, team_id)
    if team is None or team.organisation_id != actor.organisation_id:
        raise AccountError("Select a team from your organisation", field="team_id")


def create_user(actor: User, details: UserDetails) -> User:
    """An administrator adds a person to their own organisation (no password yet)."""
    if Role.SERVICE_ADMINISTRATOR in details.roles:
        raise AccountError("A council cannot give the service administrator role",
                           field="roles")
    email = normalise_email(details.email)
    _check_email_free(email)
    _check_team(actor, details.team_id)
    if not details.roles:
        raise AccountError("Select at least one role", field="roles")
    user = User(
        organisation_id=actor.organisation_id,
        team_id=details.team_id,
        name=details.name.strip(),
        email=email,
        active=True,
    )
    user.role_grants = [UserRole(role=role.value) for role in sorted(details.roles)]
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user_created", user, roles=sorted(r.value for r in details.roles))
    return user


def update_user(actor: User, user: User, details: UserDetails) -> User:
    if user.erased_at is not None:  # a name or email typed here would undo the erasure
        raise AccountError("An erased account cannot be changed", field="name")
    # A council's form neither gives nor takes away the service administrator role.
    kept = user.roles & {Role.SERVICE_ADMINISTRATOR}
    details = replace(details, roles=(set(details.roles) - {Role.SERVICE_ADMINISTRATOR}) | kept)
    email = normalise_email(details.email)
    _check_email_free(email, except_user=user)
    _check_team(actor, details.team_id)
    if not details.roles:
        raise AccountError("Select at least one role", field="roles")
    if user.id == actor.id and Role.ADMINISTRATOR not in details.roles:
        raise AccountError("You cannot remove your own administrator role", field="roles")
    changed = []
    if user.name != details.name.strip():
        user.name, changed = details.name.strip(), [*changed, "name"]
    if user.email != email:
        check_may_take_over(actor, user, field="email")
        user.email, changed = email, [*changed, "email"]
        # A link already sent to the old address must not take over the account.
        cancel_reset_links(user)
        end_all_sessions(user)
    if user.team_id != details.team_id:
        user.team_id, changed = details.team_id, [*changed, "team"]
    if user.roles != details.roles:
        audit.record(actor, "roles_changed", user,
                     before=sorted(r.value for r in user.roles),
                     after=sorted(r.value for r in details.roles))
        _replace_roles(user, details.roles)
        changed.append("roles")
        end_all_sessions(user)  # a removed role must not linger in an open session
    if changed:
        audit.record(actor, "user_updated", user, fields=changed,
                     roles=sorted(r.value for r in details.roles))
    return user


def _replace_roles(user: User, roles: set[Role]) -> None:
    wanted = {role.value for role in roles}
    user.role_grants = [g for g in user.role_grants if g.role in wanted]
    held = {grant.role for grant in user.role_grants}
    user.role_grants.extend(UserRole(role=value) for value in sorted(wanted - held))
    db.session.flush()


def deactivate_user(actor: User, user: User) -> None:
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account")
    check_may_take_over(actor, user, field=None)
    if not user.active:
        raise AccountError(f"{user.name} is already deactivated")
    user.active = False
    end_all_sessions(user)
    cancel_reset_links(user)
    audit.record(actor, "user_deactivated", user)


def reactivate_user(actor: User, user: User) -> None:
    if user.active:
        raise AccountError(f"{user.name} is already active")
    if user.erased_at is not None:
        raise AccountError("An erased account cannot be reactivated. Add the person again "
                           "as a new user.")
    user.active = True
    audit.record(actor, "user_reactivated", user)
