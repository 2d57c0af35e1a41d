"""The council's sign-in settings, changed by its administrators."""

from portal.accounts.models import User
from portal.accounts.operations import AccountError
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.accounts.single_sign_on.operations import registration_for
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.encryption import UnreadableSecret

SETTINGS = ("provider_name", "issuer", "client_id", "allowed_domains", "enabled",
            "create_accounts", "password_sign_in")


def save_settings(actor: User, values: dict) -> CouncilSignOn:
    """Create or change the actor's council registration. A blank secret keeps the saved
    one. The audit row names what changed, never the secret."""
    registration = registration_for(actor.organisation_id)
    secret = values.get("client_secret") or ""
    if registration is None:
        if not secret:
            raise AccountError("Enter the client secret", field="client_secret")
        registration = CouncilSignOn(organisation_id=actor.organisation_id, client_secret="")
        db.session.add(registration)
    values = {**values, "allowed_domains": "\n".join(
        line.strip().lower() for line in values["allowed_domains"].splitlines() if line.strip())}
    changed = [name for name in SETTINGS if getattr(registration, name) != values[name]]
    for name in changed:
        setattr(registration, name, values[name])
    if secret and not _same_secret(registration, secret):
        registration.client_secret = secret
        changed.append("client_secret")
    if changed:
        registration.updated_at = utcnow()
        db.session.flush()
        audit.record(actor, "sign_on_settings_changed", registration, changed=changed)
    return registration


def _same_secret(registration: CouncilSignOn, secret: str) -> bool:
    """Whether `secret` is the one saved; one that cannot be read (the keys changed) is
    never the same, so typing the secret again replaces it."""
    try:
        return registration.client_secret == secret
    except UnreadableSecret:
        return False
