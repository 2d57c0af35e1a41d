"""moderation: the panel's confirmation of assessors' recommendations (internal), and
external moderation rounds with their councils, moderators, sample (with its seed), shared
anonymised packs and the moderators' templates

Revision ID: 3c9d2e7a1f64
Revises: a7c41e9b2d58
Create Date: 2026-12-14 16:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3c9d2e7a1f64'
down_revision = 'a7c41e9b2d58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('moderation_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('sample_percent', sa.Integer(), nullable=False),
    sa.Column('access_ends_on', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('seed', sa.BigInteger(), nullable=True),
    sa.Column('sampled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('action_plan', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(state = 'defined' AND seed IS NULL AND sampled_at IS NULL) OR (state = 'sampled' AND seed IS NOT NULL AND sampled_at IS NOT NULL)", name=op.f('ck_moderation_round_sampled_has_seed')),
    sa.CheckConstraint("state IN ('defined', 'sampled')", name=op.f('ck_moderation_round_state_known')),
    sa.CheckConstraint('period_start <= period_end', name=op.f('ck_moderation_round_period_in_order')),
    sa.CheckConstraint('sample_percent >= 1 AND sample_percent <= 100', name=op.f('ck_moderation_round_sample_percent_in_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_moderation_round_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_moderation_round_organisation_id_organisation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_round'))
    )
    with op.batch_alter_table('moderation_round', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_round_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('moderation_round_council',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_moderation_round_council_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['moderation_round.id'], name=op.f('fk_moderation_round_council_round_id_moderation_round'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'organisation_id', name=op.f('pk_moderation_round_council'))
    )
    op.create_table('moderation_round_moderator',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['moderation_round.id'], name=op.f('fk_moderation_round_moderator_round_id_moderation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_moderation_round_moderator_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'user_id', name=op.f('pk_moderation_round_moderator'))
    )
    op.create_table('panel_confirmation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('confirms', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_panel_confirmation_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_panel_confirmation_recorded_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_panel_confirmation')),
    sa.UniqueConstraint('agenda_item_id', name=op.f('uq_panel_confirmation_agenda_item_id'))
    )
    op.create_table('moderation_sample',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.Integer(), nullable=True),
    sa.Column('shared_by_id', sa.Integer(), nullable=True),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(pack_id IS NULL AND shared_at IS NULL) OR (pack_id IS NOT NULL AND shared_at IS NOT NULL)', name=op.f('ck_moderation_sample_shared_has_pack')),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['agenda_item.id'], name=op.f('fk_moderation_sample_agenda_item_id_agenda_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['pack_id'], ['portfolio_pack.id'], name=op.f('fk_moderation_sample_pack_id_portfolio_pack'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['moderation_round.id'], name=op.f('fk_moderation_sample_round_id_moderation_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['shared_by_id'], ['user_account.id'], name=op.f('fk_moderation_sample_shared_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderation_sample')),
    sa.UniqueConstraint('round_id', 'agenda_item_id', name=op.f('uq_moderation_sample_round_id'))
    )
    with op.batch_alter_table('moderation_sample', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderation_sample_round_id'), ['round_id'], unique=False)

    op.create_table('moderator_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sample_id', sa.Integer(), nullable=False),
    sa.Column('moderator_id', sa.Integer(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('accurate', sa.Boolean(), nullable=False),
    sa.Column('accurate_comment', sa.Text(), nullable=False),
    sa.Column('valid', sa.Boolean(), nullable=False),
    sa.Column('valid_comment', sa.Text(), nullable=False),
    sa.Column('robust', sa.Boolean(), nullable=False),
    sa.Column('robust_comment', sa.Text(), nullable=False),
    sa.Column('sufficient', sa.Boolean(), nullable=False),
    sa.Column('sufficient_comment', sa.Text(), nullable=False),
    sa.Column('overall', sa.Text(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['moderator_id'], ['user_account.id'], name=op.f('fk_moderator_feedback_moderator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['sample_id'], ['moderation_sample.id'], name=op.f('fk_moderator_feedback_sample_id_moderation_sample'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_feedback')),
    sa.UniqueConstraint('sample_id', 'moderator_id', name=op.f('uq_moderator_feedback_sample_id'))
    )


def downgrade():
    op.drop_table('moderator_feedback')
    with op.batch_alter_table('moderation_sample', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_sample_round_id'))

    op.drop_table('moderation_sample')
    op.drop_table('panel_confirmation')
    op.drop_table('moderation_round_moderator')
    op.drop_table('moderation_round_council')
    with op.batch_alter_table('moderation_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderation_round_organisation_id'))

    op.drop_table('moderation_round')
