"""reminders: what was sent to whom (once per event and person) and who opted out

Revision ID: e2b7c4a19f63
Revises: 9c1e5b7d2a40
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2b7c4a19f63'
down_revision = '9c1e5b7d2a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'reminder_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=120), nullable=False),
        sa.Column('sent_on', sa.Date(), nullable=False),
        sa.Column('message', sa.String(length=300), nullable=False),
        sa.Column('link', sa.String(length=300), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'],
                                name=op.f('fk_reminder_sent_recipient_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_reminder_sent')),
        sa.UniqueConstraint('recipient_id', 'key', name=op.f('uq_reminder_sent_recipient_id')),
    )
    op.create_index('ix_reminder_sent_day', 'reminder_sent', ['sent_on', 'recipient_id'],
                    unique=False)
    op.create_table(
        'reminder_opt_out',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_reminder_opt_out_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', name=op.f('pk_reminder_opt_out')),
    )


def downgrade():
    op.drop_table('reminder_opt_out')
    op.drop_index('ix_reminder_sent_day', table_name='reminder_sent')
    op.drop_table('reminder_sent')
