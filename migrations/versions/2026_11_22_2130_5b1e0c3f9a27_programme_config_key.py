"""programme config_key: a token replaced on every configuration change

Pages cache a programme's stages, review points and components per process, keyed by
this token (portal/programmes/configuration.py).

Revision ID: 5b1e0c3f9a27
Revises: d748cb709716
Create Date: 2026-11-22 21:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b1e0c3f9a27'
down_revision = 'd748cb709716'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ALTER TABLE, not batch mode: on SQLite a batch rebuild drops and recreates
    # `programme` with foreign keys on, which would cascade-delete its stages and refuse
    # to run once cohorts exist. A NOT NULL column needs a default to be added in place.
    op.add_column('programme', sa.Column('config_key', sa.String(length=32), nullable=False,
                                         server_default='initial'))
    # Any value unique per programme will do for existing rows: the key only has to
    # change when the configuration does, which the application does from now on.
    op.execute("UPDATE programme SET config_key = 'initial-' || id")


def downgrade():
    # DROP COLUMN in place (SQLite 3.35+ and PostgreSQL), for the same reason.
    op.execute("ALTER TABLE programme DROP COLUMN config_key")
