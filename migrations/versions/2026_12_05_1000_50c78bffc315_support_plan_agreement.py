"""support plan agreement: one state, objectives, who agreed it and when, the deferral

A support plan opens automatically (a review found the candidate not on track, or a panel
deferred its decision) and is then agreed with the candidate, then closed. The plan gets
one state ('open', 'agreed', 'closed') tied by CHECK constraints to the dates it needs,
the objectives agreed, who recorded the agreement and on what day, and the panel decision
that opened it when a deferral did (a review-opened plan has none).

Existing plans with a closing date become 'closed', the others 'open'. The downgrade
drops the new columns again; the plans themselves are kept.

Revision ID: 50c78bffc315
Revises: 8d2f4b6a1c93
Create Date: 2026-12-05 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '50c78bffc315'
down_revision = '8d2f4b6a1c93'
branch_labels = None
depends_on = None

STATE_HAS_ITS_DATES = (
    "(state = 'closed') = (closed_on IS NOT NULL) AND "
    "(state != 'agreed' OR agreed_on IS NOT NULL)")


# support_plan is a leaf: no table points at it, so the SQLite rebuild that batch mode
# needs to add foreign keys and CHECK constraints (SQLite cannot add them to an existing
# table, and a constraint written inline with ADD COLUMN is reflected without its name
# and ON DELETE) cascades to nothing. PostgreSQL gets plain ALTER TABLE statements.
def upgrade():
    with op.batch_alter_table('support_plan') as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='open',
                                      nullable=False))
        batch_op.add_column(sa.Column('objectives', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('agreed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('agreed_on', sa.Date(), nullable=True))
    op.execute("UPDATE support_plan SET state = 'closed' WHERE closed_on IS NOT NULL")
    with op.batch_alter_table('support_plan') as batch_op:
        batch_op.create_foreign_key(
            op.f('fk_support_plan_decision_id_panel_decision'), 'panel_decision',
            ['decision_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(
            op.f('fk_support_plan_agreed_by_id_user_account'), 'user_account',
            ['agreed_by_id'], ['id'], ondelete='SET NULL')
        batch_op.create_check_constraint(op.f('ck_support_plan_state_known'),
                                         "state IN ('open', 'agreed', 'closed')")
        batch_op.create_check_constraint(op.f('ck_support_plan_state_has_its_dates'),
                                         STATE_HAS_ITS_DATES)


def downgrade():
    with op.batch_alter_table('support_plan') as batch_op:
        batch_op.drop_constraint(op.f('ck_support_plan_state_has_its_dates'), type_='check')
        batch_op.drop_constraint(op.f('ck_support_plan_state_known'), type_='check')
        batch_op.drop_constraint(op.f('fk_support_plan_agreed_by_id_user_account'),
                                 type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_support_plan_decision_id_panel_decision'),
                                 type_='foreignkey')
        for column in ('agreed_on', 'agreed_by_id', 'objectives', 'state', 'decision_id'):
            batch_op.drop_column(column)
