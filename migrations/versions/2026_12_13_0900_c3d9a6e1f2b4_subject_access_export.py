"""subject_access_export: a zip of everything the portal holds about one person, built by a
background job for the administrator who asked

Revision ID: c3d9a6e1f2b4
Revises: ede96c19ea5e
Create Date: 2026-12-13 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d9a6e1f2b4'
down_revision = 'ede96c19ea5e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subject_access_export',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('organisation_id', sa.Integer(), nullable=False),
        sa.Column('subject_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('stored_name', sa.String(length=32), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('size', sa.BigInteger(), nullable=True),
        sa.Column('last_error', sa.String(length=120), nullable=True),
        sa.CheckConstraint("state IN ('queued', 'ready', 'failed')",
                           name=op.f('ck_subject_access_export_state_known')),
        sa.CheckConstraint(
            "state <> 'ready' OR (stored_name IS NOT NULL AND ready_at IS NOT NULL "
            "AND sha256 IS NOT NULL AND size IS NOT NULL)",
            name=op.f('ck_subject_access_export_ready_has_file')),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_subject_access_export_organisation_id_organisation'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['subject_id'], ['user_account.id'],
                                name=op.f('fk_subject_access_export_subject_id_user_account'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                                name=op.f('fk_subject_access_export_requested_by_id_user_account'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_access_export')),
    )
    op.create_index('ix_subject_access_export_subject', 'subject_access_export',
                    ['subject_id', 'requested_at'])


def downgrade():
    op.drop_index('ix_subject_access_export_subject', table_name='subject_access_export')
    op.drop_table('subject_access_export')
