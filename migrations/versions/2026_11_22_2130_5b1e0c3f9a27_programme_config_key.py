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
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('config_key', sa.String(length=32), nullable=True))
    # Any value unique per programme will do for existing rows: the key only has to
    # change when the configuration does, which the application does from now on.
    op.execute("UPDATE programme SET config_key = 'initial-' || id")
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.alter_column('config_key', existing_type=sa.String(length=32),
                              nullable=False)


def downgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('config_key')
