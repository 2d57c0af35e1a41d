"""programme versions: every version of a programme is its own row; rows of one family share
`family_code` and are numbered by `version`, each in a state (draft, published, superseded).
Review points say what each needs; a shipped template may carry a provisional note.

Every column is added in place with its CHECK (SQLite 3.35+ and PostgreSQL), not by a
batch-mode rebuild: on SQLite a rebuild drops and recreates `programme` with foreign keys
on, which would cascade to its stages and refuse to run once cohorts exist. For the same
reason the existing UNIQUE (organisation_id, code) stays: each version keeps a code of its
own, and a unique index makes (organisation, family, version) unique.

Revision ID: a7c41e9b2d58
Revises: 5e8f1a7c3d20
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7c41e9b2d58'
down_revision = '5e8f1a7c3d20'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('programme', sa.Column('family_code', sa.String(length=60), nullable=False,
                                         server_default=''))
    op.execute("UPDATE programme SET family_code = code")
    op.execute("ALTER TABLE programme ADD COLUMN version INTEGER DEFAULT 1 NOT NULL "
               "CONSTRAINT ck_programme_version_positive CHECK (version >= 1)")
    op.execute("ALTER TABLE programme ADD COLUMN state VARCHAR(20) DEFAULT 'published' "
               "NOT NULL CONSTRAINT ck_programme_state_known "
               "CHECK (state IN ('draft', 'published', 'superseded'))")
    op.add_column('programme', sa.Column('provisional_note', sa.String(length=300),
                                         nullable=True))
    op.create_index('ix_programme_family_version', 'programme',
                    ['organisation_id', 'family_code', 'version'], unique=True)
    op.add_column('review_point_definition', sa.Column('needs', sa.Text(), nullable=False,
                                                       server_default=''))


def downgrade():
    op.drop_column('review_point_definition', 'needs')
    op.drop_index('ix_programme_family_version', table_name='programme')
    op.drop_column('programme', 'provisional_note')
    op.drop_column('programme', 'state')
    op.drop_column('programme', 'version')
    op.drop_column('programme', 'family_code')
