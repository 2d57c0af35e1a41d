"""user_account attachment_bytes: an upload checks the quota without summing every file

Each upload summed the sizes of every file its owner had ever attached, under a lock on
their account row: a cost that grew with every file. The account now carries the running
total, kept by the attachment operations, and an upload reserves its bytes with one
conditional UPDATE.

Revision ID: 5b8e2f6a9c1d
Revises: a7d2c9e4f1b3
Create Date: 2026-11-23 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b8e2f6a9c1d'
down_revision = 'a7d2c9e4f1b3'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: a SQLite batch rebuild of user_account would drop
    # and recreate it with foreign keys on, cascading to everything its people own.
    op.add_column('user_account', sa.Column('attachment_bytes', sa.BigInteger(),
                                            server_default='0', nullable=False))
    op.execute(
        "UPDATE user_account SET attachment_bytes = (SELECT sum(a.size_bytes) "
        "FROM attachment a WHERE a.owner_id = user_account.id) "
        "WHERE id IN (SELECT owner_id FROM attachment)")


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE user_account DROP COLUMN attachment_bytes")
