"""two-factor sign-in: an authenticator app (TOTP) and recovery codes per account, and a
council setting that requires them of administrators and programme leads

Existing councils get the setting turned on: that is the default the issue asks for.

Revision ID: ede96c19ea5e
Revises: 7b57cafb765b
Create Date: 2026-12-12 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'ede96c19ea5e'
down_revision = '7b57cafb765b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('recovery_code',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_recovery_code_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_code_user_id'))
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)

    op.create_table('two_factor',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_step', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_two_factor_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_two_factor'))
    )
    # ADD COLUMN in place, not a batch rebuild: SQLite cannot drop a table that every
    # other table points at while foreign keys are enforced.
    op.add_column('organisation', sa.Column('two_factor_for_leads_and_admins', sa.Boolean(),
                                            server_default=sa.true(), nullable=False))


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE organisation DROP COLUMN two_factor_for_leads_and_admins")

    op.drop_table('two_factor')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))

    op.drop_table('recovery_code')
