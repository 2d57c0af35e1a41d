"""service administrator role: a role above the councils, which adds councils and their
first administrator

The downgrade takes the role away from whoever holds it (the older schema has no place for
it); their other roles stay.

Revision ID: b8d3f6a2c915
Revises: 4f8a2c6d1e97
Create Date: 2026-12-14 12:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d3f6a2c915'
down_revision = '4f8a2c6d1e97'
branch_labels = None
depends_on = None

COUNCIL_ROLES = ("'candidate', 'assessor', 'line_manager', 'panel_member', 'panel_chair', "
                 "'programme_lead', 'administrator', 'external_moderator'")


def upgrade():
    with op.batch_alter_table('user_role') as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role_role_known'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_user_role_role_known'),
            f"role IN ({COUNCIL_ROLES}, 'service_administrator')")


def downgrade():
    op.execute("DELETE FROM user_role WHERE role = 'service_administrator'")
    with op.batch_alter_table('user_role') as batch_op:
        batch_op.drop_constraint(op.f('ck_user_role_role_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_user_role_role_known'),
                                         f"role IN ({COUNCIL_ROLES})")
