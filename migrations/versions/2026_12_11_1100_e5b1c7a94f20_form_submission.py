"""form submission: one-time keys so a create form sent twice makes one record

Each create form carries a one-time key. The first request to send it claims the key for
its sender (unique on user_id and form_key) in the same transaction as what it creates, and
records where that can be seen; a repeat is sent there instead of creating it again.

Revision ID: e5b1c7a94f20
Revises: e0e484bd33c7
Create Date: 2026-12-11 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e5b1c7a94f20'
down_revision = 'e0e484bd33c7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_form_submission_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submission')),
    sa.UniqueConstraint('user_id', 'form_key', name=op.f('uq_form_submission_user_id'))
    )


def downgrade():
    op.drop_table('form_submission')
