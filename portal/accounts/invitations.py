"""Invitations: a person added by an administrator (or imported) sets their own password
through a single-use link that expires after INVITATION_DAYS.

The link is made when the email is sent (portal.accounts.emails), and only a hash of its
secret is stored; sending a new invitation cancels the ones before it.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import User
from portal.accounts.operations import AccountError, cancel_reset_links, end_all_sessions
from portal.accounts.passwords import hash_password
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.types import UTCDateTime
from portal.notifications.emails import queue_email


class Invitation(db.Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def can_invite(user: User) -> bool:
    """Only an active account whose owner has not yet set a password is invited."""
    return user.active and user.password_hash is None


def invite(actor: User, user: User) -> None:
    """Email `user` an invitation once this transaction commits (also used to resend)."""
    if not can_invite(user):
        raise AccountError(f"{user.name} already has a password or is deactivated: they "
                           "can use 'Forgotten your password?' on the sign-in page")
    queue_email(user, "invitation")
    audit.record(actor, "invitation_sent", user)


def issue_invitation(user: User) -> str:
    """A new single-use link's secret (earlier unused links stop working)."""
    now = utcnow()
    db.session.execute(update(Invitation).where(
        Invitation.user_id == user.id, Invitation.used_at.is_(None)).values(used_at=now))
    secret = secrets.token_urlsafe(32)
    days = current_app.config["INVITATION_DAYS"]
    db.session.add(Invitation(user_id=user.id, token_hash=_hash(secret),
                              expires_at=now + timedelta(days=days)))
    db.session.flush()
    return secret


def valid_invitation(secret: str | None) -> Invitation | None:
    if not secret:
        return None
    invitation = db.session.scalar(
        select(Invitation).where(Invitation.token_hash == _hash(secret)))
    if (invitation is None or invitation.used_at is not None
            or invitation.expires_at <= utcnow() or not can_invite(invitation.user)):
        return None
    return invitation


def accept_invitation(secret: str, new_password: str) -> User:
    """Set the invited person's password; the link is used up."""
    invitation = valid_invitation(secret)
    if invitation is None:
        raise AccountError("This invitation has expired or has already been used")
    user = invitation.user
    invitation.used_at = utcnow()
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)
    cancel_reset_links(user)
    audit.record(user, "invitation_accepted", user)
    return user
