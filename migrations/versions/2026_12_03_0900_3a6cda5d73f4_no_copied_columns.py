"""no copied columns: evidence_entry.feedback_status instead of three copies

Three columns copied what could be read elsewhere: cohort_membership.sort_name (the
candidate's name), evidence_entry.last_feedback_from (who wrote last in the thread) and
portfolio_entry.awaiting_feedback (that again, per portfolio). They go. The entry keeps one
status of its own, written by the feedback operation: NULL while its thread is empty,
'awaiting_assessor' when the candidate wrote last and 'awaiting_candidate' when the
assessor did. Cohort lists sort on the account's name through a join.

The downgrade puts the three columns (and their indexes) back and fills them again.

Revision ID: 3a6cda5d73f4
Revises: c4f1a8d93e62
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3a6cda5d73f4'
down_revision = 'c4f1a8d93e62'
branch_labels = None
depends_on = None

BATCH = 5000

# A thread's latest message (by time, then id) decides whose turn it is; an entry without
# a thread has neither value. A deleted author counts as the assessor, as before.
FILL_FEEDBACK_STATUS = (
    "UPDATE evidence_entry SET feedback_status = CASE WHEN ("
    "SELECT f.author_id FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id "
    "ORDER BY f.created_at DESC, f.id DESC LIMIT 1) = evidence_entry.candidate_id "
    "THEN 'awaiting_assessor' ELSE 'awaiting_candidate' END "
    "WHERE EXISTS (SELECT 1 FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id)")
FILL_LAST_FEEDBACK_FROM = (
    "UPDATE evidence_entry SET last_feedback_from = CASE WHEN ("
    "SELECT f.author_id FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id "
    "ORDER BY f.created_at DESC, f.id DESC LIMIT 1) = evidence_entry.candidate_id "
    "THEN 'candidate' ELSE 'staff' END "
    "WHERE EXISTS (SELECT 1 FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id)")


# Every change is in place (ADD and DROP COLUMN, SQLite 3.35+ and PostgreSQL), not a
# batch-mode rebuild: on SQLite a rebuild drops and recreates the table with foreign keys
# on, which cascades to everything that hangs off it (links, feedback, portfolios).
def upgrade():
    op.execute(
        "ALTER TABLE evidence_entry ADD COLUMN feedback_status VARCHAR(20) "
        "CONSTRAINT ck_evidence_entry_feedback_status_known "
        "CHECK (feedback_status IN ('awaiting_assessor', 'awaiting_candidate'))")
    op.execute(FILL_FEEDBACK_STATUS)
    op.create_index('ix_evidence_entry_feedback_status', 'evidence_entry',
                    ['candidate_id', 'feedback_status'], unique=False)

    op.drop_column('evidence_entry', 'last_feedback_from')
    op.drop_index('ix_portfolio_entry_awaiting', table_name='portfolio_entry')
    op.drop_column('portfolio_entry', 'awaiting_feedback')
    op.drop_index('ix_cohort_membership_by_name', table_name='cohort_membership')
    op.drop_column('cohort_membership', 'sort_name')


def downgrade():
    op.add_column('cohort_membership', sa.Column('sort_name', sa.String(length=200),
                                                 server_default='', nullable=False))
    # Filled in Python, as the application filled it (str.lower, whatever the database's
    # own lower() does with names beyond ASCII).
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT m.id, u.name FROM cohort_membership m "
        "JOIN user_account u ON u.id = m.candidate_id")).all()
    for start in range(0, len(rows), BATCH):
        connection.execute(
            sa.text("UPDATE cohort_membership SET sort_name = :sort_name WHERE id = :id"),
            [{"id": membership_id, "sort_name": name.strip().lower()[:200]}
             for membership_id, name in rows[start:start + BATCH]])
    op.create_index('ix_cohort_membership_by_name', 'cohort_membership',
                    ['cohort_id', 'sort_name', 'candidate_id'], unique=False)

    op.add_column('evidence_entry', sa.Column('last_feedback_from', sa.String(length=10),
                                              nullable=True))
    op.execute(FILL_LAST_FEEDBACK_FROM)

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

    op.drop_index('ix_evidence_entry_feedback_status', table_name='evidence_entry')
    op.drop_column('evidence_entry', 'feedback_status')
