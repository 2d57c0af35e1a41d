"""Changes to moderation, each with an explicit actor and an audit row; flushed, never
committed. Moderators give feedback: nothing here touches a panel decision."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.moderation import queries, sampling
from portal.moderation.errors import ModerationError
from portal.moderation.models import (
    ModerationRound,
    ModerationSample,
    ModeratorFeedback,
    PanelConfirmation,
    RoundState,
)
from portal.moderation.template import EVIDENCE_CHECKLIST, JUDGEMENT_QUESTIONS
from portal.packs import operations as packs
from portal.packs.copies.queries import approved_copy_of
from portal.packs.models import PackState, PortfolioPack
from portal.panels.models import AgendaItem, PanelDecision
from portal.partnerships.models import SharedPurpose
from portal.partnerships.queries import shares


def _locked(row) -> None:
    """Re-read `row` and hold its lock until the transaction ends (PostgreSQL), so two
    requests at once cannot both pass a check made on it."""
    db.session.refresh(row, with_for_update=True)


# Internal moderation ----------------------------------------------------------------
def record_confirmation(chair: User, item: AgendaItem, confirms: bool,
                        notes: str) -> PanelConfirmation:
    """The panel's chair records whether the panel confirms the assessor's recommendation
    on a decided item (once per item)."""
    if item.panel.chair_id != chair.id:
        raise ModerationError("Only the panel chair can record this")
    if item.state != "decided":
        raise ModerationError("The panel has not decided on this portfolio yet")
    if db.session.query(PanelConfirmation).filter_by(agenda_item_id=item.id).first():
        raise ModerationError("The panel's moderation of this portfolio is already recorded")
    confirmation = PanelConfirmation(agenda_item_id=item.id, confirms=confirms, notes=notes,
                                     recorded_by_id=chair.id, recorded_at=utcnow())
    db.session.add(confirmation)
    db.session.flush()
    audit.record(chair, "panel_confirmation.recorded", confirmation,
                 organisation_id=item.panel.organisation_id, agenda_item_id=item.id,
                 confirms=confirms)
    return confirmation


# External moderation rounds ---------------------------------------------------------
@dataclass
class RoundDetails:
    title: str
    period_start: date
    period_end: date
    sample_percent: int
    access_ends_on: date
    moderator_ids: list[int] = field(default_factory=list)
    # Other councils of a partnership whose outcomes are sampled too (each must share its
    # external moderation with the lead's council).
    council_ids: list[int] = field(default_factory=list)


def define_round(lead: User, details: RoundDetails,
                 today: date | None = None) -> ModerationRound:
    """A lead defines a round over their own council's outcomes and those of the
    partnership councils, chosen from the ones sharing their external moderation with the
    lead's council today."""
    if not lead.has_role(Role.PROGRAMME_LEAD):
        raise ModerationError("Only a programme lead can define a moderation round")
    if details.period_end < details.period_start:
        raise ModerationError("The period must end on or after its start", "period_end")
    allowed = {user.id: user for user in queries.council_moderators(lead.organisation_id)}
    if not details.moderator_ids or any(i not in allowed for i in details.moderator_ids):
        raise ModerationError("Select at least one external moderator", "moderator_ids")
    sharing = {council.id: council for council in queries.councils_sharing_moderation(
        lead.organisation_id, today or today_in_england())}
    if any(i not in sharing for i in details.council_ids):
        raise ModerationError("Select only councils that share their external moderation "
                              "with yours", "council_ids")
    moderation_round = ModerationRound(
        organisation_id=lead.organisation_id, title=details.title,
        period_start=details.period_start, period_end=details.period_end,
        sample_percent=details.sample_percent, access_ends_on=details.access_ends_on,
        state=RoundState.DEFINED, created_by_id=lead.id, created_at=utcnow())
    moderation_round.councils = [lead.organisation,
                                 *(sharing[i] for i in sorted(set(details.council_ids)))]
    moderation_round.moderators = [allowed[i] for i in details.moderator_ids]
    db.session.add(moderation_round)
    db.session.flush()
    audit.record(lead, "moderation_round.defined", moderation_round,
                 moderator_ids=sorted(details.moderator_ids),
                 council_ids=sorted(council.id for council in moderation_round.councils))
    return moderation_round


def draw_sample(lead: User, moderation_round: ModerationRound,
                seed: int | None = None) -> list[ModerationSample]:
    """Draw the round's sample once, recording the seed (a given seed redraws it exactly:
    see `sampling`)."""
    _locked(moderation_round)
    if moderation_round.sampled:
        raise ModerationError("The sample for this round has already been drawn")
    seed = sampling.new_seed() if seed is None else seed
    drawn = sampling.draw_sample(queries.decided_in_period(moderation_round,
                                                           today_in_england()),
                                 moderation_round.sample_percent, seed)
    moderation_round.samples = [ModerationSample(agenda_item_id=i) for i in drawn]
    moderation_round.state, moderation_round.seed = RoundState.SAMPLED, seed
    moderation_round.sampled_at = utcnow()
    db.session.flush()
    audit.record(lead, "moderation_round.sampled", moderation_round, seed=seed,
                 agenda_item_ids=drawn)
    return moderation_round.samples


def prepare_pack(lead: User, sample: ModerationSample) -> PortfolioPack:
    """Ask for the pack of the approved anonymised copy of the sampled submission: a lead
    of the candidate's council reviewed every replacement in it (the evidence, the records,
    the reports and the decisions) before anything leaves for the moderators."""
    item = sample.agenda_item
    copy = approved_copy_of(item.snapshot_id)
    if copy is None:
        raise ModerationError("A programme lead of the portfolio's council must approve an "
                              "anonymised copy of it first")
    _refuse_unless_covers_decision(copy, item)
    return packs.request_pack(lead, item.snapshot, None, copy)


def _refuse_unless_covers_decision(copy, item: AgendaItem) -> None:
    """The moderators judge the panel's decision: a copy started before it (or before its
    correction) leaves it out, so its pack is not the one to share."""
    latest = db.session.scalar(select(func.max(PanelDecision.decided_at))
                               .where(PanelDecision.agenda_item_id == item.id))
    if latest is None or copy.created_at < latest:
        raise ModerationError("The anonymised copy of this portfolio was started before the "
                              "panel's decision, so it leaves the decision out; the "
                              "moderators need it")


def share_pack(lead: User, sample: ModerationSample, pack: PortfolioPack) -> None:
    """The lead approves a built anonymised pack of this sample for the moderators."""
    _locked(sample)
    if sample.pack_id is not None:
        raise ModerationError("A pack of this portfolio is already shared")
    copy = approved_copy_of(sample.agenda_item.snapshot_id)
    if (pack.state != PackState.READY or copy is None or pack.copy_id != copy.id
            or pack.requested_by_id != lead.id):
        raise ModerationError("The anonymised pack is not ready to share yet")
    _refuse_unless_covers_decision(copy, sample.agenda_item)
    sample.pack_id, sample.shared_by_id, sample.shared_at = pack.id, lead.id, utcnow()
    db.session.flush()
    audit.record(lead, "moderation_sample.shared", sample,
                 organisation_id=sample.round.organisation_id, pack_id=pack.id)


def record_action_plan(lead: User, moderation_round: ModerationRound, text: str) -> None:
    moderation_round.action_plan = text
    db.session.flush()
    audit.record(lead, "moderation_round.action_plan_changed", moderation_round)


# The external moderator ---------------------------------------------------------------
def record_pack_opened(moderator: User, sample: ModerationSample) -> None:
    """Every opening of a shared pack is audited, in the round's council's trail."""
    audit.record(moderator, "moderation_sample.pack_opened", sample,
                 organisation_id=sample.round.organisation_id, pack_id=sample.pack_id)


@dataclass
class Judgement:
    """A moderator's answers: {checklist code: present?}, and per question (yes, comment)."""

    evidence: dict[str, bool]
    answers: dict[str, tuple[bool, str]]
    overall: str


def submit_feedback(moderator: User, sample: ModerationSample, judgement: Judgement,
                    today: date) -> ModeratorFeedback:
    """The moderator's template for one portfolio, submitted once while access is open."""
    _locked(sample)
    moderation_round = sample.round
    if (moderator not in moderation_round.moderators or sample.pack_id is None
            or not moderation_round.open_on(today)
            or not shares(sample.agenda_item.panel.organisation_id,
                          moderation_round.organisation_id,
                          SharedPurpose.EXTERNAL_MODERATION, today)):
        raise ModerationError("This portfolio is not shared with you")
    if any(f.moderator_id == moderator.id for f in sample.feedback):
        raise ModerationError("You have already sent your feedback on this portfolio")
    feedback = ModeratorFeedback(
        moderator_id=moderator.id, overall=judgement.overall,
        evidence={code: bool(judgement.evidence.get(code)) for code, _ in EVIDENCE_CHECKLIST},
        submitted_at=utcnow())
    for code, _label, _hint in JUDGEMENT_QUESTIONS:
        agreed, comment = judgement.answers[code]
        setattr(feedback, code, agreed)
        setattr(feedback, f"{code}_comment", comment)
    sample.feedback.append(feedback)
    db.session.flush()
    audit.record(moderator, "moderator_feedback.submitted", feedback,
                 organisation_id=moderation_round.organisation_id, sample_id=sample.id)
    return feedback
