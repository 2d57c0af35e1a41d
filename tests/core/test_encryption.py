"""Secrets stored encrypted (portal.core.encryption): the database holds a token, the
model gives the text back, keys rotate, and bad or missing keys say so plainly."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from portal import config as portal_config
from portal.accounts.models import TwoFactor
from portal.core.db import db
from portal.core.encryption import UnreadableSecret, decrypt, encrypt, keys_from
from portal.core.types import EncryptedString  # noqa: F401 (the type under test)
from tests import factories

APP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_the_database_holds_a_token_and_the_model_the_secret(org):
    person = factories.user(org)
    db.session.add(TwoFactor(user_id=person.id, secret=APP_KEY))
    db.session.commit()
    stored = db.session.execute(text("SELECT secret FROM two_factor")).scalar()
    assert stored.startswith("gAAAAA") and APP_KEY not in stored
    db.session.expire_all()
    assert db.session.get(TwoFactor, person.id).secret == APP_KEY


def test_without_keys_one_is_derived_from_the_secret_key_and_is_stable():
    config = {"SECRET_KEY": "x" * 64, "DATA_ENCRYPTION_KEYS": ""}
    assert keys_from(config) == keys_from(dict(config))
    assert decrypt(encrypt("s", config), config) == "s"
    other = {"SECRET_KEY": "y" * 64, "DATA_ENCRYPTION_KEYS": ""}
    with pytest.raises(UnreadableSecret):
        decrypt(encrypt("s", config), other)


def test_a_new_key_in_front_still_reads_the_old_tokens_and_re_encrypt_moves_them(app):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    before = {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": old}
    after = {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": f"{new}, {old}"}
    token = encrypt("client secret", before)
    assert decrypt(token, after) == "client secret"
    from portal.core.encryption import re_encrypt

    moved = re_encrypt(token, after)
    assert decrypt(moved, {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": new}) == (
        "client secret")


def test_the_re_encrypt_command_rewrites_every_stored_secret_with_the_newest_key(app, org):
    person = factories.user(org)
    db.session.add(TwoFactor(user_id=person.id, secret=APP_KEY))
    db.session.commit()
    newest = Fernet.generate_key().decode()
    app.config["DATA_ENCRYPTION_KEYS"] = ",".join([newest, *(
        key.decode() for key in keys_from({**app.config, "DATA_ENCRYPTION_KEYS": ""}))])
    result = app.test_cli_runner().invoke(args=["secrets", "re-encrypt"])
    assert result.exit_code == 0, result.output
    assert "two_factor.secret: 1 re-encrypted" in result.output
    stored = db.session.execute(text("SELECT secret FROM two_factor")).scalar()
    assert decrypt(stored, {"SECRET_KEY": "", "DATA_ENCRYPTION_KEYS": newest}) == APP_KEY


def test_a_key_that_is_not_a_fernet_key_stops_the_start(tmp_path):
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_ENV": "development",
                "SECRET_KEY": "z" * 64, "DATA_ENCRYPTION_KEYS": "not-a-key"}
    with pytest.raises(portal_config.ConfigError, match="DATA_ENCRYPTION_KEYS must be Fernet"):
        portal_config.finalise(settings, tmp_path)
