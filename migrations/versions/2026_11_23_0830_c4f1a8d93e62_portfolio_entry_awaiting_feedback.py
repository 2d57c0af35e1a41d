"""portfolio_entry awaiting_feedback: the work queue reads only the entries awaiting feedback

The queue's "evidence awaiting feedback" read every entry in its candidates' portfolios and
looked each one up to see who wrote last in its thread (426 look-ups to find 171 for a
bench assessor). Each portfolio entry now carries that state, kept by the feedback thread,
and a partial index holds just the rows awaiting feedback.

Revision ID: c4f1a8d93e62
Revises: 5b8e2f6a9c1d
Create Date: 2026-11-23 08:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c4f1a8d93e62'
down_revision = '5b8e2f6a9c1d'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: a SQLite batch rebuild of portfolio_entry would
    # drop and recreate it with foreign keys on.
    op.add_column('portfolio_entry', sa.Column('awaiting_feedback', sa.Boolean(),
                                               server_default=sa.true(), nullable=False))
    op.execute(
        "UPDATE portfolio_entry SET awaiting_feedback = FALSE WHERE EXISTS (SELECT 1 "
        "FROM evidence_entry e WHERE e.id = portfolio_entry.entry_id "
        "AND e.last_feedback_from = 'staff')")
    op.create_index('ix_portfolio_entry_awaiting', 'portfolio_entry',
                    ['portfolio_id', 'entry_id', 'added_at'], unique=False,
                    postgresql_where=sa.text('awaiting_feedback'),
                    sqlite_where=sa.text('awaiting_feedback = 1'))


def downgrade():
    op.drop_index('ix_portfolio_entry_awaiting', table_name='portfolio_entry')
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE portfolio_entry DROP COLUMN awaiting_feedback")
