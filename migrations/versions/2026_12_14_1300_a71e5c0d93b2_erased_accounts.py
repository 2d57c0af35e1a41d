"""user_account.erased_at: when an account's personal data was erased (right to erasure or
the end of its retention period); the row stays, anonymised, for the workforce reports

Revision ID: a71e5c0d93b2
Revises: b8d3f6a2c915
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a71e5c0d93b2'
down_revision = 'b8d3f6a2c915'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))
        # An erased account can never be signed into again.
        batch_op.create_check_constraint(
            'erased_is_inactive', 'erased_at IS NULL OR (active = false AND password_hash IS NULL)')


def downgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_constraint('erased_is_inactive', type_='check')
        batch_op.drop_column('erased_at')
