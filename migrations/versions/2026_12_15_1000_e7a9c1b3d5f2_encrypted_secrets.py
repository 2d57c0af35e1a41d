"""encrypted secrets: authenticator keys and council client secrets encrypted at rest

two_factor.secret and council_sign_on.client_secret are widened for a Fernet token and
every stored value is encrypted with the portal's key (as portal.core.encryption does it:
the first of DATA_ENCRYPTION_KEYS, or the key derived from SECRET_KEY), so run it with the
same settings as the portal. The downgrade decrypts them and narrows the columns again.
The key handling is copied here, as migrations never import application code.

Revision ID: e7a9c1b3d5f2
Revises: d4e6f8a0b2c1
Create Date: 2026-12-15 10:00:00

"""
import base64

import sqlalchemy as sa
from alembic import op
from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app

# revision identifiers, used by Alembic.
revision = 'e7a9c1b3d5f2'
down_revision = 'd4e6f8a0b2c1'
branch_labels = None
depends_on = None

# (table, key column, secret column, plain length, encrypted length)
COLUMNS = [("two_factor", "user_id", "secret", 64, 500),
           ("council_sign_on", "id", "client_secret", 500, 1000)]


def _cipher() -> MultiFernet:
    config = current_app.config
    listed = [key.strip().encode()
              for key in (config.get("DATA_ENCRYPTION_KEYS") or "").split(",") if key.strip()]
    derived = base64.urlsafe_b64encode(HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None,
        info=b"portal stored secrets v1").derive(config["SECRET_KEY"].encode()))
    return MultiFernet([Fernet(key) for key in [*listed, derived]])


def encrypt(value: str, cipher: MultiFernet) -> str:
    return cipher.encrypt(value.encode()).decode()


def decrypt(value: str, cipher: MultiFernet) -> str:
    return cipher.decrypt(value.encode()).decode()


def _rewrite(table: str, key: str, column: str, change) -> None:
    connection, cipher = op.get_bind(), _cipher()
    # The names are this migration's own constants, never input.
    rows = connection.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()  # noqa: S608
    for row_key, value in rows:
        connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),  # noqa: S608
                           {"value": change(value, cipher), "key": row_key})


def upgrade():
    for table, key, column, plain, encrypted in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=plain),
                                  type_=sa.String(length=encrypted), existing_nullable=False)
        _rewrite(table, key, column, encrypt)


def downgrade():
    for table, key, column, plain, encrypted in COLUMNS:
        _rewrite(table, key, column, decrypt)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=encrypted),
                                  type_=sa.String(length=plain), existing_nullable=False)
