"""background jobs (Procrastinate's schema), the email outbox and invitations

On PostgreSQL this creates Procrastinate's tables, types and functions from the SQL that
Procrastinate 3.10.0 ships (copied to migrations/sql/, so this revision always creates the
same schema whatever version is installed later; a Procrastinate upgrade brings its own
revision that runs Procrastinate's migration scripts). On SQLite there is no queue: jobs
run in the web process, so that part does nothing.

Revision ID: 9c1e5b7d2a40
Revises: 50c78bffc315
Create Date: 2026-12-10 09:00:00

"""
from pathlib import Path

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c1e5b7d2a40'
down_revision = '50c78bffc315'
branch_labels = None
depends_on = None

PROCRASTINATE_SCHEMA = Path(__file__).parent.parent / "sql" / "procrastinate_3.10.0_schema.sql"

DROP_PROCRASTINATE = """
DROP TABLE IF EXISTS procrastinate_events, procrastinate_periodic_defers, procrastinate_jobs,
    procrastinate_workers CASCADE;
DO $$
DECLARE routine record;
BEGIN
    FOR routine IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
            JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE p.proname LIKE 'procrastinate%' AND n.nspname = current_schema() LOOP
        EXECUTE 'DROP FUNCTION ' || routine.signature || ' CASCADE';
    END LOOP;
END;
$$;
DROP TYPE IF EXISTS procrastinate_job_to_defer_v1, procrastinate_job_event_type,
    procrastinate_job_status CASCADE;
"""


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    if _postgresql():
        # Straight to the driver: the SQL is Procrastinate's, with its own $$ and :: syntax
        # (a literal % doubled, as the driver reads %s as a placeholder).
        schema = PROCRASTINATE_SCHEMA.read_text(encoding="utf-8")
        op.get_bind().exec_driver_sql(schema.replace("%", "%%"))

    op.create_table(
        'outgoing_email',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('to_address', sa.String(length=254), nullable=False),
        sa.Column('context', sa.JSON(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('queued', 'sent', 'failed', 'refused', 'cancelled')",
            name=op.f('ck_outgoing_email_state_known')),
        sa.CheckConstraint("state <> 'sent' OR sent_at IS NOT NULL",
                           name=op.f('ck_outgoing_email_sent_has_time')),
        sa.CheckConstraint(
            "state NOT IN ('failed', 'refused', 'cancelled') OR last_error IS NOT NULL",
            name=op.f('ck_outgoing_email_failure_has_reason')),
        sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'],
                                name=op.f('fk_outgoing_email_recipient_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_email')),
    )
    op.create_index('ix_outgoing_email_recipient', 'outgoing_email',
                    ['recipient_id', 'created_at'], unique=False)
    op.create_index('ix_outgoing_email_state', 'outgoing_email', ['state', 'created_at'],
                    unique=False)

    op.create_table(
        'invitation',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'],
                                name=op.f('fk_invitation_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_invitation_token_hash')),
    )
    op.create_index(op.f('ix_invitation_user_id'), 'invitation', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_invitation_user_id'), table_name='invitation')
    op.drop_table('invitation')
    op.drop_index('ix_outgoing_email_state', table_name='outgoing_email')
    op.drop_index('ix_outgoing_email_recipient', table_name='outgoing_email')
    op.drop_table('outgoing_email')
    if _postgresql():
        op.get_bind().exec_driver_sql(DROP_PROCRASTINATE.replace("%", "%%"))
