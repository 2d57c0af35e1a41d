"""portfolio_pack: a submitted snapshot as one bookmarked PDF, built by a background job
for the person who asked (anonymised when asked for from a panel's agenda)

Revision ID: 5e8f1a7c3d20
Revises: a71e5c0d93b2
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e8f1a7c3d20'
down_revision = 'a71e5c0d93b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'portfolio_pack',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('agenda_item_id', sa.Integer(), nullable=True),
        sa.Column('requested_by_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('steps_done', sa.Integer(), nullable=False),
        sa.Column('steps_total', sa.Integer(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stored_name', sa.String(length=32), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('pages', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.String(length=120), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'building', 'ready', 'failed')",
                           name=op.f('ck_portfolio_pack_state_known')),
        sa.CheckConstraint(
            "state <> 'ready' OR (stored_name IS NOT NULL AND ready_at IS NOT NULL "
            "AND sha256 IS NOT NULL AND size IS NOT NULL AND pages IS NOT NULL)",
            name=op.f('ck_portfolio_pack_ready_has_file')),
        sa.CheckConstraint("steps_done >= 0 AND steps_done <= steps_total",
                           name=op.f('ck_portfolio_pack_steps_in_range')),
        sa.ForeignKeyConstraint(['snapshot_id'], ['portfolio_snapshot.id'],
                                name=op.f('fk_portfolio_pack_snapshot_id_portfolio_snapshot'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'],
                                name=op.f('fk_portfolio_pack_agenda_item_id_agenda_item'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                                name=op.f('fk_portfolio_pack_requested_by_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolio_pack')),
    )
    op.create_index('ix_portfolio_pack_snapshot_requester', 'portfolio_pack',
                    ['snapshot_id', 'requested_by_id'])


def downgrade():
    op.drop_index('ix_portfolio_pack_snapshot_requester', table_name='portfolio_pack')
    op.drop_table('portfolio_pack')
