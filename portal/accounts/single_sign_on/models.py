"""A council's OpenID Connect registration, and the identities linked to accounts.

People are identified by the provider's issuer and subject (Entra ID: the tenant's issuer
and the person's object id), never by email: an address can be reused or changed at the
provider, a subject cannot.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.core.db import db, utcnow
from portal.core.encryption import decrypt, encrypt
from portal.core.types import UTCDateTime


class CouncilSignOn(db.Model):
    """One OpenID Connect client registration per council."""

    __tablename__ = "council_sign_on"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, unique=True)
    # What the button says: "Sign in with your <provider_name> account".
    provider_name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The exact issuer the provider's discovery document and tokens must name. For Entra ID
    # that is the tenant's https://login.microsoftonline.com/<tenant id>/v2.0, never /common.
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    client_id: Mapped[str] = mapped_column(String(200), nullable=False)
    # Stored encrypted (portal.core.encryption; the form takes at most 500 characters) and
    # decrypted only when the provider is called, so the sign-in page and the settings
    # page still work if it cannot be read, and saving a new secret replaces it.
    client_secret_token: Mapped[str] = mapped_column("client_secret", String(1000),
                                                     nullable=False)
    # Lower-case domains, one per line; an address outside them is never linked or created.
    allowed_domains: Mapped[str] = mapped_column(Text, nullable=False, default="")
    enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
    # Off by default: a first sign-in by someone unknown makes an account with no role.
    create_accounts: Mapped[bool] = mapped_column(nullable=False, default=False)
    # Off means only administrators may still use a password (the break-glass path).
    password_sign_in: Mapped[bool] = mapped_column(nullable=False, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    organisation = relationship("Organisation")

    @property
    def client_secret(self) -> str:
        return decrypt(self.client_secret_token)

    @client_secret.setter
    def client_secret(self, value: str) -> None:
        self.client_secret_token = encrypt(value)

    @property
    def domains(self) -> list[str]:
        return [line.strip().lower() for line in self.allowed_domains.splitlines()
                if line.strip()]

    def allows_email(self, email: str) -> bool:
        _, _, domain = email.rpartition("@")
        return bool(domain) and domain.lower() in self.domains


class SignOnIdentity(db.Model):
    """An identity at a council's provider, linked to one portal account."""

    __tablename__ = "sign_on_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"), UniqueConstraint("user_id", "issuer"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    issuer: Mapped[str] = mapped_column(String(500), nullable=False)
    subject: Mapped[str] = mapped_column(String(255), nullable=False)
    # How the link was proven: 'administrator', 'password' or 'created'.
    linked_by: Mapped[str] = mapped_column(String(20), nullable=False)
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    user = relationship("User")
