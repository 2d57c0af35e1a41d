"""The programme lead's moderation pages: rounds (define, draw the sample, prepare and
share anonymised packs, the action plan, the summary report) and the consistency of
assessors' recommendations at the council's panels."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.moderation import operations, queries, report
from portal.moderation.access import (
    council_still_shares,
    get_packable_sample_for_lead_or_404,
    get_round_for_lead_or_404,
)
from portal.moderation.downloads import send_bytes, send_pack
from portal.moderation.errors import ModerationError
from portal.moderation.forms import ActionPlanForm, RoundForm
from portal.moderation.models import ModerationRound
from portal.packs import operations as packs
from portal.packs.copies.queries import approved_copy_of
from portal.packs.models import PackState

bp = Blueprint("moderation", __name__, url_prefix="/moderation")
leads = requires_role(Role.PROGRAMME_LEAD)
ROUND = "/rounds/<int:round_id>"
SAMPLE = ROUND + "/samples/<int:sample_id>"


def _round_url(moderation_round: ModerationRound) -> str:
    return url_for("moderation.round_page", round_id=moderation_round.id)


def _button_sent() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


@bp.get("/")
@leads
def index():
    rounds = db.session.scalars(
        select(ModerationRound).where(ModerationRound.organisation_id
                                      == current_user.organisation_id)
        .order_by(ModerationRound.period_end.desc(), ModerationRound.id.desc())).all()
    return render("moderation/index.html", rounds=rounds)


@bp.get("/consistency")
@leads
def consistency():
    """Per assessor: the items the council's panels moderated, confirmed and not."""
    return render("moderation/consistency.html",
                  rows=queries.consistency(current_user.organisation_id))


@bp.route("/rounds/new", methods=["GET", "POST"])
@leads
def new_round():
    form = RoundForm()
    form.moderator_ids.choices = [
        (str(user.id), user.name) for user in queries.council_moderators(
            current_user.organisation_id)]
    today = today_in_england()
    form.council_ids.choices = [
        (str(council.id), council.name) for council in queries.councils_sharing_moderation(
            current_user.organisation_id, today)]
    if form.validate_on_submit():
        try:
            moderation_round = operations.define_round(current_user, form.details(), today)
            form.created(_round_url(moderation_round))
        except ModerationError as error:
            db.session.rollback()
            field = form[error.field or "title"]
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"The round '{moderation_round.title}' has been defined.", "success")
            return redirect_to(_round_url(moderation_round))
    return render("moderation/new_round.html", form=form, status=400 if form.errors else 200)


def _pack_of(sample):
    """The lead's latest pack of the sample's approved anonymised copy (None without one)."""
    item = sample.agenda_item
    copy = approved_copy_of(item.snapshot_id)
    return packs.latest_pack(item.snapshot, current_user, None, copy) if copy else None


def _round_page(moderation_round: ModerationRound, plan: ActionPlanForm, status: int = 200):
    """The round with each sample's outcome and the lead's latest pack of it."""
    samples = moderation_round.samples
    today = today_in_england()
    # Another council's sample shows its outcome only while that council still shares.
    still_shared = {s.id for s in samples if council_still_shares(s, today)}
    return render("moderation/round.html", round=moderation_round, plan=plan,
                  still_shared=still_shared,
                  approved_copies={s.id for s in samples
                                   if approved_copy_of(s.agenda_item.snapshot_id)},
                  council_names={c.id: c.name for c in moderation_round.councils},
                  rows=[(sample, _pack_of(sample)) for sample in samples],
                  outcomes=queries.outcomes_in_force([s.agenda_item_id for s in samples
                                                      if s.id in still_shared]),
                  outcome_labels=report.OUTCOME_NAMES, PackState=PackState, status=status)


@bp.get(ROUND)
@leads
def round_page(round_id: int):
    moderation_round = get_round_for_lead_or_404(round_id)
    return _round_page(moderation_round,
                       ActionPlanForm(data={"action_plan": moderation_round.action_plan}))


@bp.post(ROUND + "/sample")
@leads
def draw(round_id: int):
    moderation_round = get_round_for_lead_or_404(round_id)
    _button_sent()
    try:
        drawn = operations.draw_sample(current_user, moderation_round)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(f"The sample has been drawn: {len(drawn)} of the decided portfolios.", "success")
    return redirect_to(_round_url(moderation_round))


@bp.post(SAMPLE + "/pack")
@leads
def prepare(round_id: int, sample_id: int):
    sample = get_packable_sample_for_lead_or_404(round_id, sample_id)
    _button_sent()
    try:
        operations.prepare_pack(current_user, sample)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
    return redirect_to(_round_url(sample.round))


@bp.post(SAMPLE + "/pack/download")
@leads
def lead_download(round_id: int, sample_id: int):
    """The lead reads the anonymised pack before sharing it (audited as packs are)."""
    sample = get_packable_sample_for_lead_or_404(round_id, sample_id)
    _button_sent()
    pack = _pack_of(sample)
    if pack is None or pack.state != PackState.READY:
        abort(404)
    packs.record_download(current_user, pack)
    db.session.commit()
    return send_pack(pack, sample.agenda_item.reference)


@bp.post(SAMPLE + "/share")
@leads
def share(round_id: int, sample_id: int):
    sample = get_packable_sample_for_lead_or_404(round_id, sample_id)
    _button_sent()
    pack = _pack_of(sample)
    try:
        if pack is None:
            raise ModerationError("Prepare the anonymised pack first")
        operations.share_pack(current_user, sample, pack)
    except ModerationError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(f"The pack of {sample.agenda_item.reference} is shared with the moderators.",
              "success")
    return redirect_to(_round_url(sample.round))


@bp.post(ROUND + "/action-plan")
@leads
def action_plan(round_id: int):
    moderation_round = get_round_for_lead_or_404(round_id)
    plan = ActionPlanForm()
    if not plan.validate_on_submit():
        return _round_page(moderation_round, plan, status=400)
    operations.record_action_plan(current_user, moderation_round, plan.action_plan.data or "")
    db.session.commit()
    flash("The action plan has been saved.", "success")
    return redirect_to(_round_url(moderation_round))


@bp.get(ROUND + "/report.csv")
@leads
def report_csv(round_id: int):
    summary = report.summary(get_round_for_lead_or_404(round_id))
    return send_bytes(report.summary_csv(summary), report.CSV_TYPE,
                      f"moderation-round-{round_id}.csv")


@bp.get(ROUND + "/report.pdf")
@leads
def report_pdf(round_id: int):
    summary = report.summary(get_round_for_lead_or_404(round_id))
    return send_bytes(report.summary_pdf(summary), "application/pdf",
                      f"moderation-round-{round_id}.pdf")
