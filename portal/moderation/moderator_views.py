"""The external moderator's pages: the packs shared with them while their rounds are open,
each with the moderator's template. After a round's access end date every address here is
a 404. Opening a pack (a POST, since it writes an audit row) is audited."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import exists, or_, select

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.moderation import operations
from portal.moderation.access import get_shared_sample_or_404
from portal.moderation.downloads import send_pack
from portal.moderation.errors import ModerationError
from portal.moderation.forms import FeedbackForm
from portal.moderation.models import ModerationRound, ModerationSample, round_moderator
from portal.moderation.template import EVIDENCE_CHECKLIST, JUDGEMENT_QUESTIONS
from portal.panels.models import AgendaItem, Panel
from portal.partnerships.models import PartnershipGrant, SharedPurpose
from portal.partnerships.queries import in_force

bp = Blueprint("moderating", __name__, url_prefix="/moderating")
moderators = requires_role(Role.EXTERNAL_MODERATOR)


def shared_with(user_id: int, today) -> list[ModerationSample]:
    """The samples shared with this moderator in rounds whose access is still open (of
    another council's portfolios, those whose council still shares them)."""
    still_shared = exists().where(
        PartnershipGrant.granting_organisation_id == Panel.organisation_id,
        PartnershipGrant.receiving_organisation_id == ModerationRound.organisation_id,
        *in_force(SharedPurpose.EXTERNAL_MODERATION, today))
    return db.session.scalars(
        select(ModerationSample)
        .join(ModerationRound, ModerationRound.id == ModerationSample.round_id)
        .join(round_moderator, round_moderator.c.round_id == ModerationRound.id)
        .join(AgendaItem, AgendaItem.id == ModerationSample.agenda_item_id)
        .join(Panel, Panel.id == AgendaItem.panel_id)
        .where(round_moderator.c.user_id == user_id, ModerationSample.pack_id.is_not(None),
               ModerationRound.access_ends_on >= today,
               or_(Panel.organisation_id == ModerationRound.organisation_id, still_shared))
        .order_by(ModerationRound.access_ends_on, ModerationSample.id)).all()


@bp.get("/")
@moderators
def index():
    return render("moderation/shared.html",
                  samples=shared_with(current_user.id, today_in_england()))


def _mine(sample: ModerationSample):
    return next((f for f in sample.feedback if f.moderator_id == current_user.id), None)


@bp.route("/<int:sample_id>", methods=["GET", "POST"])
@moderators
def sample_page(sample_id: int):
    """The shared pack and the moderator's template (or what they sent)."""
    sample = get_shared_sample_or_404(sample_id)
    form = FeedbackForm()
    if _mine(sample) is None and form.validate_on_submit():
        try:
            operations.submit_feedback(current_user, sample, form.judgement(),
                                       today_in_england())
            form.created(url_for("moderating.sample_page", sample_id=sample.id))
        except ModerationError as error:
            db.session.rollback()
            form.overall.errors = [*form.overall.errors, str(error)]
        else:
            db.session.commit()
            flash("Your feedback has been sent. Thank you.", "success")
            return redirect_to(url_for("moderating.sample_page", sample_id=sample.id))
    return render("moderation/sample.html", sample=sample, form=form, mine=_mine(sample),
                  checklist=EVIDENCE_CHECKLIST, questions=JUDGEMENT_QUESTIONS,
                  status=400 if form.errors else 200)


@bp.post("/<int:sample_id>/pack")
@moderators
def open_pack(sample_id: int):
    sample = get_shared_sample_or_404(sample_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.record_pack_opened(current_user, sample)
    db.session.commit()
    return send_pack(sample.pack, sample.agenda_item.reference)
