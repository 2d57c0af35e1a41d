"""evidence entry last_feedback_from: who wrote the latest message in its feedback thread

The work queue lists the entries in a caseload's portfolios that have no feedback yet or
whose latest message is the candidate's. Reading every thread for that was most of the
queue's database time; the entry now carries the answer, kept by the feedback operation.

Revision ID: 3e7a91c4d2b8
Revises: 8c41d2e7b5a0
Create Date: 2026-11-23 03:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3e7a91c4d2b8'
down_revision = '8c41d2e7b5a0'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: a SQLite batch rebuild of evidence_entry would
    # drop and recreate it with foreign keys on, cascading to its links and feedback.
    op.add_column('evidence_entry', sa.Column('last_feedback_from', sa.String(length=10),
                                              nullable=True))
    # A thread's latest message (by time, then id) decides; a deleted author counts as
    # staff, as the queue treated them before.
    op.execute(
        "UPDATE evidence_entry SET last_feedback_from = CASE WHEN ("
        "SELECT f.author_id FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id "
        "ORDER BY f.created_at DESC, f.id DESC LIMIT 1) = evidence_entry.candidate_id "
        "THEN 'candidate' ELSE 'staff' END "
        "WHERE EXISTS (SELECT 1 FROM evidence_feedback f WHERE f.entry_id = evidence_entry.id)")


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE evidence_entry DROP COLUMN last_feedback_from")
