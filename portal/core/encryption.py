"""Secrets the portal has to read back (an authenticator app's key, a council's OpenID
Connect client secret) are stored encrypted, so a database dump or a backup on its own does
not give them away. Fernet (from `cryptography`: AES-128 in CBC mode with an HMAC-SHA256)
does the work through its public API.

The keys come from DATA_ENCRYPTION_KEYS: Fernet keys separated by commas, newest first.
The newest encrypts; any of them decrypts, so a key is rotated by putting a new one in
front and running `flask --app portal secrets re-encrypt`. Unset, a key derived from
SECRET_KEY with HKDF encrypts, so a new installation needs no extra setting (but changing
SECRET_KEY then makes the stored secrets unreadable: production should set the keys).
The derived key always stays last for decrypting, so an installation that starts setting
DATA_ENCRYPTION_KEYS still reads what it stored before, until re-encrypt moves it.

Secrets are decrypted only where they are used (the models keep the token and decrypt in
a property), so a row whose secret cannot be read can still be listed, reset or replaced.
"""

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# Fixed, so the same SECRET_KEY always derives the same key; it only separates this use of
# SECRET_KEY from its others (signing cookies).
DERIVATION_INFO = b"portal stored secrets v1"


class UnreadableSecret(Exception):
    """A stored secret that none of the keys opens (the keys changed without re-encrypting)."""


def _derived_key(secret_key: str) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=DERIVATION_INFO).derive(secret_key.encode())
    return base64.urlsafe_b64encode(derived)


def keys_from(config) -> list[bytes]:
    """The Fernet keys the settings give, newest first, then the key SECRET_KEY gives."""
    listed = [key.strip().encode()
              for key in (config.get("DATA_ENCRYPTION_KEYS") or "").split(",") if key.strip()]
    derived = _derived_key(config["SECRET_KEY"])
    return [*listed, derived] if derived not in listed else listed


def _cipher(config=None) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys_from(config or current_app.config)])


def encrypt(text: str, config=None) -> str:
    return _cipher(config).encrypt(text.encode()).decode()


def decrypt(token: str, config=None) -> str:
    try:
        return _cipher(config).decrypt(token.encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret("A stored secret could not be decrypted with the keys in "
                               "DATA_ENCRYPTION_KEYS (or the key SECRET_KEY gives)") from error


def re_encrypt(token: str, config=None) -> str:
    """The token encrypted again with the newest key (for a key rotation)."""
    try:
        return _cipher(config).rotate(token.encode()).decode()
    except InvalidToken as error:
        raise UnreadableSecret("A stored secret could not be decrypted with any key: "
                               "it cannot be re-encrypted") from error
