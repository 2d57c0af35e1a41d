"""framework_move: a portfolio moved from one framework version to another by a lead

Revision ID: 4f8a2c6d1e97
Revises: f4a8c2d61e37
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '4f8a2c6d1e97'
down_revision = 'f4a8c2d61e37'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'framework_move',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('portfolio_id', sa.Integer(), nullable=False),
        sa.Column('from_framework_id', sa.Integer(), nullable=False),
        sa.Column('to_framework_id', sa.Integer(), nullable=False),
        sa.Column('moved_by_id', sa.Integer(), nullable=True),
        sa.Column('moved_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('from_framework_id <> to_framework_id',
                           name=op.f('ck_framework_move_moves_somewhere')),
        sa.ForeignKeyConstraint(['portfolio_id'], ['portfolio.id'],
                                name=op.f('fk_framework_move_portfolio_id_portfolio'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['from_framework_id'], ['framework.id'],
                                name=op.f('fk_framework_move_from_framework_id_framework'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['to_framework_id'], ['framework.id'],
                                name=op.f('fk_framework_move_to_framework_id_framework'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['moved_by_id'], ['user_account.id'],
                                name=op.f('fk_framework_move_moved_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_framework_move')),
    )
    op.create_index(op.f('ix_framework_move_portfolio_id'), 'framework_move',
                    ['portfolio_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_framework_move_portfolio_id'), table_name='framework_move')
    op.drop_table('framework_move')
