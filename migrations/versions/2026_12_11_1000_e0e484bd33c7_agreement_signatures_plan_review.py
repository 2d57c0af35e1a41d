"""agreement signatures and signed versions; development plans reviewed by the assessor

The support and assessment agreement is signed by the candidate, the assessor and the line
manager: each signature (who and when) sits on the agreement until its wording changes, and
the agreement counts its revisions so a signature is given to the wording the signer read.
Each fully signed wording is kept in support_agreement_version with its three signatures.

A development plan records when the candidate last changed it and who reviewed it when;
existing plans have no change time (nothing to compare) and no review.

The downgrade drops the versions and the new columns; the agreements and plans are kept.

Revision ID: e0e484bd33c7
Revises: 4f1a2c8d6b35
Create Date: 2026-12-11 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e0e484bd33c7'
down_revision = '4f1a2c8d6b35'
branch_labels = None
depends_on = None

SIGNERS = ('candidate', 'assessor', 'line_manager')


def _signature_columns(nullable: bool) -> list[sa.Column]:
    columns = []
    for role in SIGNERS:
        columns.append(sa.Column(f'{role}_signed_at', sa.DateTime(timezone=True),
                                 nullable=nullable))
        columns.append(sa.Column(f'{role}_signed_by_id', sa.Integer(), nullable=True))
    return columns


# support_agreement and development_plan are leaves (nothing points at them yet), so the
# SQLite rebuild that batch mode needs to add foreign keys cascades to nothing; the version
# table that points at support_agreement is created after the rebuild.
def upgrade():
    with op.batch_alter_table('support_agreement') as batch_op:
        batch_op.add_column(sa.Column('revision', sa.Integer(), server_default='1',
                                      nullable=False))
        for column in _signature_columns(nullable=True):
            batch_op.add_column(column)
    with op.batch_alter_table('support_agreement') as batch_op:
        for role in SIGNERS:
            batch_op.create_foreign_key(
                op.f(f'fk_support_agreement_{role}_signed_by_id_user_account'),
                'user_account', [f'{role}_signed_by_id'], ['id'], ondelete='SET NULL')
    op.create_table(
        'support_agreement_version',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('agreement_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('agreed_on', sa.Date(), nullable=False),
        sa.Column('supervision_arrangements', sa.Text(), nullable=False),
        sa.Column('workload_reduction', sa.Text(), nullable=False),
        sa.Column('protected_time', sa.Text(), nullable=False),
        sa.Column('development_priorities', sa.Text(), nullable=False),
        *_signature_columns(nullable=False),
        sa.ForeignKeyConstraint(
            ['agreement_id'], ['support_agreement.id'],
            name=op.f('fk_support_agreement_version_agreement_id_support_agreement'),
            ondelete='CASCADE'),
        *[sa.ForeignKeyConstraint(
            [f'{role}_signed_by_id'], ['user_account.id'],
            name=op.f(f'fk_support_agreement_version_{role}_signed_by_id_user_account'),
            ondelete='SET NULL') for role in SIGNERS],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_support_agreement_version')),
        sa.UniqueConstraint('agreement_id', 'number',
                            name=op.f('uq_support_agreement_version_agreement_id')),
    )
    with op.batch_alter_table('development_plan') as batch_op:
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reviewed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('development_plan') as batch_op:
        batch_op.create_foreign_key(op.f('fk_development_plan_reviewed_by_id_user_account'),
                                    'user_account', ['reviewed_by_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('development_plan') as batch_op:
        batch_op.drop_constraint(op.f('fk_development_plan_reviewed_by_id_user_account'),
                                 type_='foreignkey')
        for column in ('reviewed_by_id', 'reviewed_at', 'updated_at'):
            batch_op.drop_column(column)
    op.drop_table('support_agreement_version')
    with op.batch_alter_table('support_agreement') as batch_op:
        for role in SIGNERS:
            batch_op.drop_constraint(
                op.f(f'fk_support_agreement_{role}_signed_by_id_user_account'),
                type_='foreignkey')
        for role in SIGNERS:
            batch_op.drop_column(f'{role}_signed_by_id')
            batch_op.drop_column(f'{role}_signed_at')
        batch_op.drop_column('revision')
