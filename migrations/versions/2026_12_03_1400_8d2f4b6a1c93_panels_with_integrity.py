"""panels with integrity: attendance, cancellation, reasons for taking items off agendas

- panel.attendance_recorded_at and panel_member.present: who sat on the panel, recorded
  by the chair on or after its date (a decision needs it, and a quorum).
- panel.cancelled_at and panel.cancellation_reason: a cancelled panel is closed, with
  when and why (the audit row says who).
- agenda_item.removed_at and agenda_item.removal_reason: an item taken off an agenda
  says when and why; no code wrote the 'removed' state before this revision, so no
  existing row lacks them.

Every column is added in place with its CHECK (SQLite 3.35+ and PostgreSQL), not by a
batch-mode rebuild: on SQLite a rebuild drops and recreates the table with foreign keys
on, which would cascade to the agenda items and decisions that hang off a panel. For the
same reason no column has a foreign key (SQLite cannot drop such a column again): the
audit trail records who recorded attendance, cancelled or took an item off.

Revision ID: 8d2f4b6a1c93
Revises: 3a6cda5d73f4
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d2f4b6a1c93'
down_revision = '3a6cda5d73f4'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('panel', sa.Column('attendance_recorded_at', sa.DateTime(timezone=True), nullable=True))
    op.add_column('panel_member', sa.Column('present', sa.Boolean(), nullable=True))
    # The reason column carries the CHECK that ties the pair (and the closed status)
    # together, so the downgrade can drop it first and then its partner.
    op.add_column('panel', sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "ALTER TABLE panel ADD COLUMN cancellation_reason TEXT "
        "CONSTRAINT ck_panel_cancellation_complete CHECK ("
        "(cancelled_at IS NULL AND cancellation_reason IS NULL) OR "
        "(cancelled_at IS NOT NULL AND cancellation_reason IS NOT NULL "
        "AND status = 'closed'))")
    op.add_column('agenda_item', sa.Column('removed_at', sa.DateTime(timezone=True),
                                           nullable=True))
    op.execute(
        "ALTER TABLE agenda_item ADD COLUMN removal_reason TEXT "
        "CONSTRAINT ck_agenda_item_removal_complete CHECK ("
        "(state = 'removed' AND removed_at IS NOT NULL AND removal_reason IS NOT NULL) OR "
        "(state != 'removed' AND removed_at IS NULL AND removal_reason IS NULL))")


def downgrade():
    op.drop_column('agenda_item', 'removal_reason')
    op.drop_column('agenda_item', 'removed_at')
    op.drop_column('panel', 'cancellation_reason')
    op.drop_column('panel', 'cancelled_at')
    op.drop_column('panel_member', 'present')
    op.drop_column('panel', 'attendance_recorded_at')
