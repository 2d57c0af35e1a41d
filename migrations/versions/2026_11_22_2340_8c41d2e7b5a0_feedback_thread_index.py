"""evidence feedback thread index: entry, time, id and author in one index

The work queue asks, for every entry in a caseload's portfolios, who wrote the latest
feedback message; this index answers that without a sort or a table read. It replaces the
single-column entry index, which it covers.

Revision ID: 8c41d2e7b5a0
Revises: 5b1e0c3f9a27
Create Date: 2026-11-22 23:40:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8c41d2e7b5a0'
down_revision = '5b1e0c3f9a27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_evidence_feedback_thread', 'evidence_feedback',
                    ['entry_id', 'created_at', 'id', 'author_id'], unique=False)
    op.drop_index('ix_evidence_feedback_entry_id', table_name='evidence_feedback')


def downgrade():
    op.create_index('ix_evidence_feedback_entry_id', 'evidence_feedback', ['entry_id'],
                    unique=False)
    op.drop_index('ix_evidence_feedback_thread', table_name='evidence_feedback')
