"""partnerships: teaching partnerships and the grants their councils give each other (issue 23)

partnership groups councils (partnership_council); partnership_grant is one council
sharing one thing (panel membership, external moderation, partnership reports) with
another for a period, until withdrawn. New tables only: the downgrade drops them and
touches nothing else.

Revision ID: b36ef68f6592
Revises: e7a9c1b3d5f2
Create Date: 2026-12-16 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b36ef68f6592'
down_revision = 'e7a9c1b3d5f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('partnership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_partnership_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership')),
    sa.UniqueConstraint('name', name=op.f('uq_partnership_name'))
    )
    op.create_table('partnership_council',
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_partnership_council_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_partnership_council_partnership_id_partnership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('partnership_id', 'organisation_id', name=op.f('pk_partnership_council'))
    )
    with op.batch_alter_table('partnership_council', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_council_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('partnership_grant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('granting_organisation_id', sa.Integer(), nullable=False),
    sa.Column('receiving_organisation_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=30), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('granted_by_id', sa.Integer(), nullable=True),
    sa.Column('granted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(state = 'granted' AND withdrawn_at IS NULL) OR (state = 'withdrawn' AND withdrawn_at IS NOT NULL)", name=op.f('ck_partnership_grant_withdrawn_has_time')),
    sa.CheckConstraint("purpose IN ('panel_membership', 'external_moderation', 'partnership_reports')", name=op.f('ck_partnership_grant_purpose_known')),
    sa.CheckConstraint("state IN ('granted', 'withdrawn')", name=op.f('ck_partnership_grant_state_known')),
    sa.CheckConstraint('granting_organisation_id <> receiving_organisation_id', name=op.f('ck_partnership_grant_between_two_councils')),
    sa.CheckConstraint('starts_on <= ends_on', name=op.f('ck_partnership_grant_period_in_order')),
    sa.ForeignKeyConstraint(['granted_by_id'], ['user_account.id'], name=op.f('fk_partnership_grant_granted_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['granting_organisation_id'], ['organisation.id'], name=op.f('fk_partnership_grant_granting_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnership.id'], name=op.f('fk_partnership_grant_partnership_id_partnership'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiving_organisation_id'], ['organisation.id'], name=op.f('fk_partnership_grant_receiving_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_partnership_grant_withdrawn_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_partnership_grant'))
    )
    with op.batch_alter_table('partnership_grant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnership_grant_granting_organisation_id'), ['granting_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_partnership_grant_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index('ix_partnership_grant_receiving', ['receiving_organisation_id', 'purpose'], unique=False)



def downgrade():
    with op.batch_alter_table('partnership_grant', schema=None) as batch_op:
        batch_op.drop_index('ix_partnership_grant_receiving')
        batch_op.drop_index(batch_op.f('ix_partnership_grant_partnership_id'))
        batch_op.drop_index(batch_op.f('ix_partnership_grant_granting_organisation_id'))

    op.drop_table('partnership_grant')
    with op.batch_alter_table('partnership_council', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnership_council_organisation_id'))

    op.drop_table('partnership_council')
    op.drop_table('partnership')
