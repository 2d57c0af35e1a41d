"""cohort membership sort_name: a page of a cohort's list in name order from an index

The cohort list sorted every member by their account's name before taking a page, so
PostgreSQL read every member's account on each view. The membership now carries the name
as it sorts, kept by the account operations, and an index serves a page directly.

Revision ID: a7d2c9e4f1b3
Revises: 3e7a91c4d2b8
Create Date: 2026-11-23 05:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d2c9e4f1b3'
down_revision = '3e7a91c4d2b8'
branch_labels = None
depends_on = None

BATCH = 5000


def upgrade():
    # Plain ALTER TABLE, not batch mode: a SQLite batch rebuild of cohort_membership
    # would drop and recreate it with foreign keys on, cascading to the portfolios.
    op.add_column('cohort_membership', sa.Column('sort_name', sa.String(length=200),
                                                 server_default='', nullable=False))
    # Filled in Python, as the application fills it (str.lower, whatever the database's
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


def downgrade():
    op.drop_index('ix_cohort_membership_by_name', table_name='cohort_membership')
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE cohort_membership DROP COLUMN sort_name")
