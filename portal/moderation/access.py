"""Who may open a moderation round, a sample or a shared pack. Each loader owns its 404:
another council's round, a sample not shared with you, or any shared pack after the round's
access end date does not exist for the person asking."""

from flask import abort
from flask_login import current_user

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.moderation.models import ModerationRound, ModerationSample
from portal.panels.access import get_item_for_chair_or_404
from portal.panels.models import AgendaItem


def get_round_for_lead_or_404(round_id: int) -> ModerationRound:
    """The round, for the leads of the council that runs it."""
    moderation_round = db.session.get(ModerationRound, round_id)
    if (moderation_round is None
            or moderation_round.organisation_id != current_user.organisation_id):
        abort(404)
    return moderation_round


def get_sample_for_lead_or_404(round_id: int, sample_id: int) -> ModerationSample:
    moderation_round = get_round_for_lead_or_404(round_id)
    sample = db.session.get(ModerationSample, sample_id)
    if sample is None or sample.round_id != moderation_round.id:
        abort(404)
    return sample


def may_moderate(sample: ModerationSample, user, today) -> bool:
    """A moderator of the round reads a sample's pack once it is shared, until access ends."""
    moderation_round = sample.round
    return (sample.pack_id is not None and moderation_round.open_on(today)
            and any(m.id == user.id for m in moderation_round.moderators))


def get_shared_sample_or_404(sample_id: int) -> ModerationSample:
    sample = db.session.get(ModerationSample, sample_id)
    if sample is None or not may_moderate(sample, current_user, today_in_england()):
        abort(404)
    return sample


def get_decided_item_for_chair_or_404(panel_id: int, item_id: int) -> AgendaItem:
    """A decided item of the chair's own panel (the panel moderates what it decided)."""
    item = get_item_for_chair_or_404(panel_id, item_id)
    if item.state != "decided":
        abort(404)
    return item
