"""professional registration: what the ASYE funding claims ask for (issue 20)

professional_registration holds, once per person, the day they qualified, their Social
Work England registration number and the day they were registered for the ASYE. A new
table: the downgrade drops it and touches nothing else.

Revision ID: d4e6f8a0b2c1
Revises: c3d9a5e1f7b4
Create Date: 2026-12-15 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e6f8a0b2c1'
down_revision = 'c3d9a5e1f7b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('professional_registration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('qualified_on', sa.Date(), nullable=True),
    sa.Column('swe_number', sa.String(length=12), nullable=True),
    sa.Column('asye_registered_on', sa.Date(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("swe_number IS NULL OR swe_number LIKE 'SW%'", name=op.f('ck_professional_registration_swe_number_shape')),
    sa.ForeignKeyConstraint(['candidate_id'], ['user_account.id'], name=op.f('fk_professional_registration_candidate_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_professional_registration_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_professional_registration_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_professional_registration')),
    sa.UniqueConstraint('candidate_id', name=op.f('uq_professional_registration_candidate_id'))
    )
    with op.batch_alter_table('professional_registration', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professional_registration_organisation_id'), ['organisation_id'], unique=False)


def downgrade():
    with op.batch_alter_table('professional_registration', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professional_registration_organisation_id'))

    op.drop_table('professional_registration')
