"""encrypted secrets: authenticator keys and council client secrets encrypted at rest

two_factor.secret and council_sign_on.client_secret are widened for a Fernet token and
every stored value is encrypted with the portal's key (portal.core.encryption: the first
of DATA_ENCRYPTION_KEYS, or the key derived from SECRET_KEY), so run it with the same
settings as the portal. The downgrade decrypts them and narrows the columns again.

Revision ID: e7a9c1b3d5f2
Revises: d4e6f8a0b2c1
Create Date: 2026-12-15 10:00:00

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from portal.core.encryption import decrypt, encrypt

# revision identifiers, used by Alembic.
revision = 'e7a9c1b3d5f2'
down_revision = 'd4e6f8a0b2c1'
branch_labels = None
depends_on = None

# (table, key column, secret column, plain length, encrypted length)
COLUMNS = [("two_factor", "user_id", "secret", 64, 500),
           ("council_sign_on", "id", "client_secret", 500, 1000)]


def _rewrite(table: str, key: str, column: str, change) -> None:
    connection = op.get_bind()
    # The names are this migration's own constants, never input.
    rows = connection.execute(sa.text(f"SELECT {key}, {column} FROM {table}")).all()  # noqa: S608
    for row_key, value in rows:
        connection.execute(sa.text(f"UPDATE {table} SET {column} = :value WHERE {key} = :key"),  # noqa: S608
                           {"value": change(value, current_app.config), "key": row_key})


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
