"""anonymised_copy and redaction_decision: an anonymised copy of a submitted snapshot and
the reviewer's decision on each replacement the redaction assistant proposed; a portfolio
pack may be of an approved copy (portfolio_pack.copy_id)

Revision ID: c3d9a5e1f7b4
Revises: 3c9d2e7a1f64
Create Date: 2026-12-14 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3d9a5e1f7b4'
down_revision = '3c9d2e7a1f64'
branch_labels = None
depends_on = None


def _user(column: str, table: str):
    return sa.ForeignKeyConstraint([column], ['user_account.id'],
                                   name=op.f(f'fk_{table}_{column}_user_account'),
                                   ondelete='SET NULL')


def upgrade():
    op.create_table(
        'anonymised_copy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('snapshot_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("state IN ('in_review', 'approved')",
                           name=op.f('ck_anonymised_copy_state_known')),
        sa.CheckConstraint("(state = 'approved') = (approved_at IS NOT NULL)",
                           name=op.f('ck_anonymised_copy_approved_when_dated')),
        sa.ForeignKeyConstraint(['snapshot_id'], ['portfolio_snapshot.id'],
                                name=op.f('fk_anonymised_copy_snapshot_id_portfolio_snapshot'),
                                ondelete='CASCADE'),
        _user('created_by_id', 'anonymised_copy'),
        _user('approved_by_id', 'anonymised_copy'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymised_copy')),
        sa.UniqueConstraint('snapshot_id', name=op.f('uq_anonymised_copy_snapshot_id')),
    )
    op.create_table(
        'redaction_decision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('copy_id', sa.Integer(), nullable=False),
        sa.Column('field', sa.String(length=80), nullable=False),
        sa.Column('field_order', sa.Integer(), nullable=False),
        sa.Column('start', sa.Integer(), nullable=False),
        sa.Column('stop', sa.Integer(), nullable=False),
        sa.Column('found', sa.String(length=500), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('proposed_label', sa.String(length=60), nullable=True),
        sa.Column('decision', sa.String(length=20), nullable=False),
        sa.Column('replacement', sa.String(length=60), nullable=True),
        sa.Column('decided_by_id', sa.Integer(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "decision IN ('pending', 'accepted', 'changed', 'rejected', 'added')",
            name=op.f('ck_redaction_decision_decision_known')),
        sa.CheckConstraint("start >= 0 AND stop > start",
                           name=op.f('ck_redaction_decision_span_valid')),
        sa.CheckConstraint("decision NOT IN ('changed', 'added') OR replacement IS NOT NULL",
                           name=op.f('ck_redaction_decision_own_label_given')),
        sa.CheckConstraint("(decision = 'pending') = (decided_at IS NULL)",
                           name=op.f('ck_redaction_decision_decided_when_dated')),
        sa.ForeignKeyConstraint(['copy_id'], ['anonymised_copy.id'],
                                name=op.f('fk_redaction_decision_copy_id_anonymised_copy'),
                                ondelete='CASCADE'),
        _user('decided_by_id', 'redaction_decision'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_redaction_decision')),
    )
    op.create_index('ix_redaction_decision_copy', 'redaction_decision',
                    ['copy_id', 'field_order', 'start'])
    with op.batch_alter_table('portfolio_pack') as batch:
        batch.add_column(sa.Column('copy_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f('fk_portfolio_pack_copy_id_anonymised_copy'),
                                 'anonymised_copy', ['copy_id'], ['id'], ondelete='CASCADE')
        batch.create_check_constraint(op.f('ck_portfolio_pack_one_anonymisation'),
                                      "agenda_item_id IS NULL OR copy_id IS NULL")


def downgrade():
    with op.batch_alter_table('portfolio_pack') as batch:
        batch.drop_constraint(op.f('ck_portfolio_pack_one_anonymisation'), type_='check')
        batch.drop_constraint(op.f('fk_portfolio_pack_copy_id_anonymised_copy'),
                              type_='foreignkey')
        batch.drop_column('copy_id')
    op.drop_index('ix_redaction_decision_copy', table_name='redaction_decision')
    op.drop_table('redaction_decision')
    op.drop_table('anonymised_copy')
