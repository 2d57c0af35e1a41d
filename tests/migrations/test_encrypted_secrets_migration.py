"""The encrypted-secrets migration encrypts every stored authenticator key and council
client secret with the portal's key (the models read them back unchanged), and its
downgrade gives the plain values back."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import select, text

from portal import create_app
from portal.accounts.models import TwoFactor
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "d4e6f8a0b2c1", "e7a9c1b3d5f2"
APP_KEY, CLIENT_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "client-secret-of-the-council"


def _raw(connection) -> tuple[str, str]:
    return (connection.execute(text("SELECT secret FROM two_factor")).scalar(),
            connection.execute(text("SELECT client_secret FROM council_sign_on")).scalar())


def test_stored_secrets_are_encrypted_and_the_downgrade_decrypts_them(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
            connection.execute(text(
                "INSERT INTO two_factor (user_id, secret, created_at) SELECT id, :secret, "
                "'2026-09-01 09:00:00' FROM user_account WHERE name = 'Cara'"),
                {"secret": APP_KEY})
            connection.execute(text(
                "INSERT INTO council_sign_on (organisation_id, provider_name, issuer, "
                "client_id, client_secret, allowed_domains, enabled, create_accounts, "
                "password_sign_in, updated_at) SELECT id, 'Entra', 'https://idp.test', "
                "'portal', :secret, 'council.test', true, false, true, "
                "'2026-09-01 09:00:00' FROM organisation"), {"secret": CLIENT_SECRET})

        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            app_key, client_secret = _raw(connection)
        assert app_key.startswith("gAAAAA") and APP_KEY not in app_key
        assert client_secret.startswith("gAAAAA") and CLIENT_SECRET not in client_secret
        assert db.session.scalar(select(TwoFactor)).secret == APP_KEY
        assert db.session.scalar(select(CouncilSignOn)).client_secret == CLIENT_SECRET
        db.session.remove()

        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert _raw(connection) == (APP_KEY, CLIENT_SECRET)
        upgrade()
        db.session.remove()
        db.engine.dispose()
