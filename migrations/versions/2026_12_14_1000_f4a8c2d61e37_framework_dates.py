"""framework_dates: when a framework version was published and when it applies from, so a
council can hold a standard's place (a draft with no elements) before loading its text

Revision ID: f4a8c2d61e37
Revises: 5d2e8f1a7c30
Create Date: 2026-12-14 09:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'f4a8c2d61e37'
down_revision = '5d2e8f1a7c30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('framework') as batch_op:
        batch_op.add_column(sa.Column('published_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('applies_from', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('framework') as batch_op:
        batch_op.drop_column('applies_from')
        batch_op.drop_column('published_on')
