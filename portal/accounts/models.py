"""User accounts, the roles they hold, and password reset tokens."""

import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.roles import Role
from portal.core.db import db, utcnow
from portal.core.encryption import decrypt, encrypt
from portal.core.types import UTCDateTime


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, db.Model):
    """Anyone with an account. Email is stored lower-cased and is unique."""

    __tablename__ = "user_account"
    __table_args__ = (
        # An erased account can never be signed into again (portal.data_protection.erasure).
        CheckConstraint("erased_at IS NULL OR (active = false AND password_hash IS NULL)",
                        name="erased_is_inactive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="RESTRICT"), nullable=False, index=True
    )
    team_id: Mapped[int | None] = mapped_column(
        ForeignKey("team.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    email: Mapped[str] = mapped_column(String(254), nullable=False, unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(nullable=False, default=True)
    # Part of the session cookie: changing it ends every session the user has.
    session_token: Mapped[str] = mapped_column(
        String(64), nullable=False, default=new_session_token
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the person's personal data was erased; the row stays, anonymised, so the
    # workforce reports still count them.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The total size of the files this person has attached, for their quota: a running
    # total kept by portal.evidence.attachments, so an upload checks the quota with one
    # conditional UPDATE instead of summing every file they have ever attached.
    # `flask attachments reconcile` recounts it.
    attachment_bytes: Mapped[int] = mapped_column(
        BigInteger, nullable=False, default=0, server_default="0")

    organisation = relationship("Organisation")
    team = relationship("Team")
    role_grants = relationship(
        "UserRole", back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __str__(self) -> str:
        return self.name

    # Flask-Login -----------------------------------------------------------------
    def get_id(self) -> str:
        return f"{self.id}.{self.session_token}"

    @property
    def is_active(self) -> bool:
        return self.active

    # What the signed-in user's own query reads as plain values (accounts.session) -------
    def remember_loaded(self, roles: str | None, organisation_name: str,
                        team_name: str | None) -> None:
        """Keep the roles, council and team names that came with the user's row, so that
        every access check and the page header need no objects or queries of their own."""
        self.__dict__["_known_roles"] = frozenset(
            Role(value) for value in (roles or "").split(",") if value)
        self.__dict__["_names"] = (organisation_name, team_name)

    @property
    def organisation_name(self) -> str:
        names = self.__dict__.get("_names")
        return names[0] if names else self.organisation.name

    @property
    def team_name(self) -> str | None:
        names = self.__dict__.get("_names")
        if names:
            return names[1]
        return self.team.name if self.team else None

    # Roles ---------------------------------------------------------------------------
    @property
    def roles(self) -> frozenset[Role]:
        known = self.__dict__.get("_known_roles")
        if known is None:
            return frozenset(Role(grant.role) for grant in self.role_grants)
        return known

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def has_any_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    @property
    def sorted_roles(self) -> list[Role]:
        order = list(Role)
        return sorted(self.roles, key=order.index)


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (
        CheckConstraint(
            "role IN (" + ", ".join(f"'{r.value}'" for r in Role) + ")", name="role_known"
        ),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(40), primary_key=True)

    user = relationship("User", back_populates="role_grants")


class TwoFactor(db.Model):
    """A person's authenticator app (TOTP). Unconfirmed while they are setting it up: it
    asks for a code at sign-in only once they have typed one correct code."""

    __tablename__ = "two_factor"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    # The app's key makes the codes, so a dump must not give it away: stored encrypted
    # (portal.core.encryption) and decrypted only when a code is checked, so a row whose
    # key is unreadable can still be loaded, reset or replaced.
    secret_token: Mapped[str] = mapped_column("secret", String(500), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The 30-second step of the last code accepted: that code, and any older one, is
    # refused from then on, so a code seen over someone's shoulder cannot be used again.
    last_used_step: Mapped[int | None] = mapped_column(BigInteger)

    @property
    def secret(self) -> str:
        return decrypt(self.secret_token)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_token = encrypt(value)


class RecoveryCode(db.Model):
    """A single-use code for signing in without the authenticator app. Only a hash of the
    code is kept (the codes are random, so SHA-256 is enough)."""

    __tablename__ = "recovery_code"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PasswordResetToken(db.Model):
    """A single-use, expiring reset link. Only a hash of the secret is stored."""

    __tablename__ = "password_reset_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")


@event.listens_for(User.role_grants, "append")
@event.listens_for(User.role_grants, "remove")
@event.listens_for(User.role_grants, "bulk_replace")
def _forget_known_roles(user, *_args, **_kwargs):
    """Roles read with the user's row are dropped as soon as the grants change, so a page
    that changes someone's roles checks the new ones."""
    user.__dict__.pop("_known_roles", None)
