"""council single sign-on: one OpenID Connect registration per council, and the provider
identities (issuer and subject) linked to accounts

Revision ID: 5d2e8f1a7c30
Revises: c3d9a6e1f2b4
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d2e8f1a7c30'
down_revision = 'c3d9a6e1f2b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('council_sign_on',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('provider_name', sa.String(length=100), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('client_id', sa.String(length=200), nullable=False),
    sa.Column('client_secret', sa.String(length=500), nullable=False),
    sa.Column('allowed_domains', sa.Text(), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('create_accounts', sa.Boolean(), nullable=False),
    sa.Column('password_sign_in', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_council_sign_on_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_sign_on')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_council_sign_on_organisation_id'))
    )
    op.create_table('sign_on_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=500), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('linked_by', sa.String(length=20), nullable=False),
    sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_sign_on_identity_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_on_identity')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_sign_on_identity_issuer')),
    sa.UniqueConstraint('user_id', 'issuer', name=op.f('uq_sign_on_identity_user_id'))
    )
    with op.batch_alter_table('sign_on_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sign_on_identity_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('sign_on_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sign_on_identity_user_id'))
    op.drop_table('sign_on_identity')
    op.drop_table('council_sign_on')
