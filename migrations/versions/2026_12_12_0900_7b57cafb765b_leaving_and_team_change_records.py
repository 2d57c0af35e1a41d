"""leaving and team change records: what the retention report counts from (issue 20)

leaving_record holds when and why a social worker left (one per person, a reason from the
DfE children's social work workforce census); team_change holds each dated move between
teams. Both are new tables: the downgrade drops them and touches nothing else.

Revision ID: 7b57cafb765b
Revises: e5b1c7a94f20
Create Date: 2026-12-12 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7b57cafb765b'
down_revision = 'e5b1c7a94f20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('leaving_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason IN ('resignation', 'voluntary_redundancy', 'compulsory_redundancy', 'dismissed', 'retired', 'deceased', 'moved_within_council', 'other', 'not_known')", name=op.f('ck_leaving_record_reason_known')),
    sa.ForeignKeyConstraint(['candidate_id'], ['user_account.id'], name=op.f('fk_leaving_record_candidate_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_leaving_record_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_leaving_record_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_leaving_record')),
    sa.UniqueConstraint('candidate_id', name=op.f('uq_leaving_record_candidate_id'))
    )
    with op.batch_alter_table('leaving_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_leaving_record_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('team_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('from_team_id', sa.Integer(), nullable=True),
    sa.Column('to_team_id', sa.Integer(), nullable=False),
    sa.Column('changed_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('from_team_id IS NULL OR from_team_id != to_team_id', name=op.f('ck_team_change_moves_somewhere')),
    sa.ForeignKeyConstraint(['candidate_id'], ['user_account.id'], name=op.f('fk_team_change_candidate_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_team_id'], ['team.id'], name=op.f('fk_team_change_from_team_id_team'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_team_change_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_team_change_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['to_team_id'], ['team.id'], name=op.f('fk_team_change_to_team_id_team'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_change'))
    )
    with op.batch_alter_table('team_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_team_change_candidate_id'), ['candidate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_team_change_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('team_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_team_change_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_team_change_candidate_id'))

    op.drop_table('team_change')
    with op.batch_alter_table('leaving_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_leaving_record_organisation_id'))

    op.drop_table('leaving_record')
