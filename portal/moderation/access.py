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
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import shares


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


def council_still_shares(sample: ModerationSample, today) -> bool:
    """A sample from another council of a partnership can be packed and read only while
    that council shares its external moderation with the round's council."""
    return shares(sample.agenda_item.panel.organisation_id, sample.round.organisation_id,
                  SharedPurpose.EXTERNAL_MODERATION, today)


def may_moderate(sample: ModerationSample, user, today) -> bool:
    """A moderator of the round reads a sample's pack once it is shared, until access ends
    (and, for another council's portfolio, while that council still shares it)."""
    moderation_round = sample.round
    return (sample.pack_id is not None and moderation_round.open_on(today)
            and any(m.id == user.id for m in moderation_round.moderators)
            and council_still_shares(sample, today))


def get_packable_sample_for_lead_or_404(round_id: int, sample_id: int) -> ModerationSample:
    """A sample whose pack the lead may prepare, read or share: their own council's, or
    another council's while it still shares its external moderation with theirs."""
    sample = get_sample_for_lead_or_404(round_id, sample_id)
    if not council_still_shares(sample, today_in_england()):
        abort(404)
    return sample


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
