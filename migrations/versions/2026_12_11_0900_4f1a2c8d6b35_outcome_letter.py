"""outcome_letter: a decision's letter PDF, built by a background job and kept in storage

Revision ID: 4f1a2c8d6b35
Revises: e2b7c4a19f63
Create Date: 2026-12-11 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f1a2c8d6b35'
down_revision = 'e2b7c4a19f63'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outcome_letter',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('decision_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('stored_name', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.String(length=120), nullable=True),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('built_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'building', 'ready', 'failed')",
                           name=op.f('ck_outcome_letter_state_known')),
        sa.CheckConstraint(
            "state <> 'ready' OR (stored_name IS NOT NULL AND built_at IS NOT NULL)",
            name=op.f('ck_outcome_letter_ready_has_file')),
        sa.ForeignKeyConstraint(['decision_id'], ['panel_decision.id'],
                                name=op.f('fk_outcome_letter_decision_id_panel_decision'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outcome_letter')),
        sa.UniqueConstraint('decision_id', name=op.f('uq_outcome_letter_decision_id')),
    )


def downgrade():
    op.drop_table('outcome_letter')
