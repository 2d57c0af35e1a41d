"""The OpenID Connect client for a council's registration, through Authlib.

Authlib does the protocol: discovery, the authorisation code flow with PKCE (S256), state
and nonce, and the ID token's signature, audience, nonce and issuer. One check it leaves to
us is that the discovered issuer is the one the council registered: without it a discovery
document (or Entra ID's multi-tenant /common endpoint) could name any issuer at all.
"""

import hashlib

from authlib.integrations.flask_client import OAuth

from portal.accounts.single_sign_on.models import CouncilSignOn

oauth = OAuth()

SCOPES = "openid email profile"
HTTP_TIMEOUT_SECONDS = 10


class SignOnRefused(Exception):
    """The provider's answer cannot be trusted or does not identify a usable account."""


def _client_name(registration: CouncilSignOn) -> str:
    # Authlib keeps one client per name for the life of the process (with the provider's
    # metadata and keys). A name that changes with the settings gives a fresh client after
    # an administrator changes them, without reaching into Authlib's registry.
    settings = "\n".join([registration.issuer, registration.client_id,
                          registration.client_secret])
    fingerprint = hashlib.sha256(settings.encode()).hexdigest()[:16]
    return f"council-{registration.id}-{fingerprint}"


def council_client(registration: CouncilSignOn):
    """The Authlib client for this registration."""
    name = _client_name(registration)
    client = oauth.create_client(name)
    if client is None:
        client = oauth.register(
            name,
            client_id=registration.client_id,
            client_secret=registration.client_secret,
            server_metadata_url=discovery_url(registration.issuer),
            client_kwargs={"scope": SCOPES, "code_challenge_method": "S256",
                           "default_timeout": HTTP_TIMEOUT_SECONDS},
        )
    return client


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def checked_metadata(client, registration: CouncilSignOn) -> dict:
    """The provider's metadata, refused unless it names exactly the registered issuer."""
    metadata = client.load_server_metadata()
    if metadata.get("issuer") != registration.issuer:
        raise SignOnRefused("the provider named a different issuer")
    return metadata
