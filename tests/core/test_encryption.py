"""Secrets stored encrypted (portal.core.encryption): the database holds a token, the
model gives the text back when it is used, keys rotate, a row whose secret cannot be read
can still be loaded and replaced, and bad keys say so plainly."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from portal import config as portal_config
from portal.accounts.models import TwoFactor
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.accounts.single_sign_on.settings import save_settings
from portal.core.db import db
from portal.core.encryption import UnreadableSecret, decrypt, encrypt, keys_from, re_encrypt
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


def test_setting_keys_later_still_reads_what_the_derived_key_stored():
    before = {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": ""}
    after = {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": Fernet.generate_key().decode()}
    token = encrypt("client secret", before)
    assert decrypt(token, after) == "client secret"
    moved = re_encrypt(token, after)
    only_new = {"SECRET_KEY": "z" * 64, "DATA_ENCRYPTION_KEYS": after["DATA_ENCRYPTION_KEYS"]}
    assert decrypt(moved, only_new) == "client secret"


def test_a_new_key_in_front_still_reads_the_old_tokens():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    token = encrypt("client secret", {"SECRET_KEY": "k" * 64, "DATA_ENCRYPTION_KEYS": old})
    assert decrypt(token, {"SECRET_KEY": "k" * 64,
                           "DATA_ENCRYPTION_KEYS": f"{new}, {old}"}) == "client secret"


def test_re_encrypt_rewrites_every_stored_secret_with_the_newest_key(app, org, monkeypatch):
    person = factories.user(org)
    db.session.add(TwoFactor(user_id=person.id, secret=APP_KEY))
    db.session.commit()
    newest = Fernet.generate_key().decode()
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", newest)
    result = app.test_cli_runner().invoke(args=["secrets", "re-encrypt"])
    assert result.exit_code == 0, result.output
    assert "two_factor.secret: 1 read" in result.output
    stored = db.session.execute(text("SELECT secret FROM two_factor")).scalar()
    assert decrypt(stored, {"SECRET_KEY": "other" * 10, "DATA_ENCRYPTION_KEYS": newest}) == (
        APP_KEY)


def test_re_encrypt_changes_nothing_when_a_secret_opens_with_no_key(app, org, monkeypatch):
    person = factories.user(org)
    db.session.add(TwoFactor(user_id=person.id, secret=APP_KEY))
    db.session.commit()
    before = db.session.execute(text("SELECT secret FROM two_factor")).scalar()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-different-secret-key" * 3)
    result = app.test_cli_runner().invoke(args=["secrets", "re-encrypt"])
    assert result.exit_code != 0
    assert "open with none of the keys: nothing was changed" in result.output
    assert db.session.execute(text("SELECT secret FROM two_factor")).scalar() == before


def test_an_unreadable_secret_still_loads_and_a_new_one_replaces_it(app, org, monkeypatch):
    admin = factories.user(org, roles=["administrator"])
    person = factories.user(org)
    db.session.add(TwoFactor(user_id=person.id, secret=APP_KEY))
    save_settings(admin, {"provider_name": "Entra", "issuer": "https://idp.test/v2.0",
                          "client_id": "portal", "client_secret": "first",
                          "allowed_domains": "council.test", "enabled": True,
                          "create_accounts": False, "password_sign_in": True})
    db.session.commit()
    monkeypatch.setitem(app.config, "SECRET_KEY", "a-different-secret-key" * 3)
    db.session.expire_all()
    record = db.session.get(TwoFactor, person.id)  # loading never decrypts
    with pytest.raises(UnreadableSecret):
        _ = record.secret
    registration = db.session.scalar(select(CouncilSignOn))
    assert registration.provider_name == "Entra"
    save_settings(admin, {"provider_name": "Entra", "issuer": "https://idp.test/v2.0",
                          "client_id": "portal", "client_secret": "second",
                          "allowed_domains": "council.test", "enabled": True,
                          "create_accounts": False, "password_sign_in": True})
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalar(select(CouncilSignOn)).client_secret == "second"


def test_a_key_that_is_not_a_fernet_key_stops_the_start(tmp_path):
    settings = {"SQLALCHEMY_DATABASE_URI": "sqlite://", "PORTAL_ENV": "development",
                "SECRET_KEY": "z" * 64, "DATA_ENCRYPTION_KEYS": "not-a-key"}
    with pytest.raises(portal_config.ConfigError, match="DATA_ENCRYPTION_KEYS must be Fernet"):
        portal_config.finalise(settings, tmp_path)
