"""Signing in through the council's provider: who the provider's answer is, linking it to
an account, creating one when the council allows it, and the council's settings.

An identity is linked to an existing account only through a verified route: an
administrator links it, or the person proves the existing account's password once. An email
address that matches an account is a reason to ask, never a link by itself.
"""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal.accounts import two_factor
from portal.accounts.models import User
from portal.accounts.operations import (
    AccountError,
    check_may_take_over,
    find_by_email,
    normalise_email,
)
from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import CouncilSignOn, SignOnIdentity
from portal.core import audit
from portal.core.db import db, utcnow

LINKED_BY_ADMINISTRATOR = "administrator"
LINKED_BY_PASSWORD = "password"  # noqa: S105 (how a link was proven, not a password)
LINKED_BY_CREATION = "created"
EMAIL_LENGTH = 254  # the longest address the user table holds


@dataclass(frozen=True)
class ProviderPerson:
    """What the provider's ID token says about the person signing in."""

    subject: str
    email: str
    name: str


@dataclass(frozen=True)
class Outcome:
    """What to do with a provider's answer: sign `user` in, ask `user` to prove their
    password before linking, or refuse (`user` None and `ask_password` False)."""

    user: User | None
    ask_password: bool = False


# Reading ---------------------------------------------------------------------------------
def registration_for(organisation_id: int) -> CouncilSignOn | None:
    return db.session.scalar(select(CouncilSignOn)
                             .where(CouncilSignOn.organisation_id == organisation_id))


def enabled_registration(registration_id: int) -> CouncilSignOn | None:
    registration = db.session.get(CouncilSignOn, registration_id)
    return registration if registration is not None and registration.enabled else None


def sign_in_choices() -> list[CouncilSignOn]:
    """The councils whose people may sign in with their council account, for the sign-in
    page's buttons."""
    return list(db.session.scalars(select(CouncilSignOn).where(CouncilSignOn.enabled)
                                   .order_by(CouncilSignOn.id)))


def password_sign_in_allowed(user: User) -> bool:
    """A council that has turned password sign-in off still lets its administrators use a
    password, so a broken provider cannot lock everyone out (the break-glass path)."""
    registration = registration_for(user.organisation_id)
    if registration is None or not registration.enabled or registration.password_sign_in:
        return True
    return user.has_role(Role.ADMINISTRATOR)


def identity_of(user: User) -> SignOnIdentity | None:
    return db.session.scalar(select(SignOnIdentity).where(SignOnIdentity.user_id == user.id))


def person_from_claims(claims: dict) -> ProviderPerson:
    """The person named by validated ID token claims. Entra ID may give the address as
    preferred_username rather than email."""
    email = claims.get("email") or claims.get("preferred_username") or ""
    # Too long is refused, never cut short: a cut could end at another domain's name.
    if not isinstance(email, str) or "@" not in email or len(email.strip()) > EMAIL_LENGTH:
        email = ""
    return ProviderPerson(subject=str(claims["sub"]), email=normalise_email(email),
                          name=(claims.get("name") or "").strip()[:200])


# Deciding --------------------------------------------------------------------------------
def _linked_user(registration: CouncilSignOn, subject: str) -> User | None:
    return db.session.scalar(
        select(User).join(SignOnIdentity, SignOnIdentity.user_id == User.id).where(
            SignOnIdentity.issuer == registration.issuer, SignOnIdentity.subject == subject,
            User.organisation_id == registration.organisation_id))


def decide(registration: CouncilSignOn, person: ProviderPerson) -> Outcome:
    """Who this provider answer signs in, if anyone."""
    linked = _linked_user(registration, person.subject)
    if linked is not None:
        return Outcome(linked if linked.active else None)
    if not person.email or not registration.allows_email(person.email):
        return Outcome(None)
    existing = find_by_email(person.email)
    if existing is not None:
        # Only this council's active accounts with a password can be proven; an account
        # elsewhere is treated as unknown, so the answer says nothing about other councils.
        # An account with an authenticator app is linked by an administrator instead: the
        # password alone would let a stolen password skip the app (the provider's address
        # claim is not proof of the person).
        usable = (existing.organisation_id == registration.organisation_id
                  and existing.active and existing.password_hash is not None
                  and identity_of(existing) is None and not two_factor.is_on(existing))
        return Outcome(existing if usable else None, ask_password=usable)
    if registration.create_accounts:
        return Outcome(create_account(registration, person))
    return Outcome(None)


# Changing --------------------------------------------------------------------------------
def link(actor: User, user: User, registration: CouncilSignOn, subject: str,
         linked_by: str) -> SignOnIdentity:
    """Link a provider identity to `user`, proven by `linked_by`."""
    if user.organisation_id != registration.organisation_id:
        raise AccountError("This person is not in the council's portal", field="subject")
    check_may_take_over(actor, user, field="subject")
    subject = subject.strip()
    if not subject or len(subject) > 255:
        raise AccountError("Enter the person's identifier at the provider", field="subject")
    taken = db.session.scalar(select(SignOnIdentity).where(
        SignOnIdentity.issuer == registration.issuer, SignOnIdentity.subject == subject))
    if taken is not None:
        raise AccountError("That council account is already linked to someone",
                           field="subject")
    if identity_of(user) is not None:
        raise AccountError("This person already has a linked council account",
                           field="subject")
    identity = SignOnIdentity(user_id=user.id, issuer=registration.issuer, subject=subject,
                              linked_by=linked_by)
    try:
        # A savepoint: the same link made at the same moment by another request (a double
        # click, two tabs) is refused like any other taken link, not a server error.
        with db.session.begin_nested():
            db.session.add(identity)
    except IntegrityError as error:
        raise AccountError("That council account is already linked to someone",
                           field="subject") from error
    audit.record(actor, "sign_on_linked", user, linked_by=linked_by)
    return identity


def unlink(actor: User, user: User) -> None:
    identity = identity_of(user)
    if identity is None:
        raise AccountError("This person has no linked council account")
    db.session.delete(identity)
    db.session.flush()
    audit.record(actor, "sign_on_unlinked", user)


def create_account(registration: CouncilSignOn, person: ProviderPerson) -> User | None:
    """An account for someone the council's provider vouches for: no role and no password,
    so it can do nothing until an administrator gives it a role. None when the address
    was taken at the same moment."""
    user = User(organisation_id=registration.organisation_id, email=person.email,
                 name=person.name or person.email)
    try:
        with db.session.begin_nested():  # a first sign-in twice at once makes one account
            db.session.add(user)
    except IntegrityError:
        return None
    audit.record(None, "account_created_by_sign_on", user)
    link(user, user, registration, person.subject, LINKED_BY_CREATION)
    return user


def record_sign_on(user: User) -> None:
    user.last_sign_in_at = utcnow()
    audit.record(user, "signed_in", user, through="council_sign_on")


def record_refused(registration: CouncilSignOn, reason: str) -> None:
    """A refused council sign-in, in that council's trail; the reason is ours, never the
    provider's text or the person's address."""
    audit.record(None, "sign_on_refused", registration, reason=reason)
