"""Internal moderation: on a decided agenda item, the panel's chair records whether the
panel confirms the assessor's recommendation, with notes on consistency."""

from flask import Blueprint, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.assessment.reports.operations import recommendation_choices
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.moderation import operations
from portal.moderation.access import get_decided_item_for_chair_or_404
from portal.moderation.errors import ModerationError
from portal.moderation.forms import ConfirmationForm
from portal.moderation.models import PanelConfirmation

bp = Blueprint("panel_moderation", __name__)


@bp.route("/panels/<int:panel_id>/items/<int:item_id>/moderation", methods=["GET", "POST"])
@requires_role(Role.PANEL_CHAIR)
def confirmation(panel_id: int, item_id: int):
    item = get_decided_item_for_chair_or_404(panel_id, item_id)
    here = url_for("panel_moderation.confirmation", panel_id=panel_id, item_id=item_id)
    recorded = db.session.scalar(
        select(PanelConfirmation).where(PanelConfirmation.agenda_item_id == item.id))
    form = ConfirmationForm()
    if recorded is None and form.validate_on_submit():
        try:
            operations.record_confirmation(current_user, item, form.confirms.data == "yes",
                                           form.notes.data or "")
            form.created(here)
        except ModerationError as error:
            db.session.rollback()
            form.confirms.errors = [*form.confirms.errors, str(error)]
        else:
            db.session.commit()
            flash("The panel's moderation has been recorded.", "success")
            return redirect_to(here)
    return render("moderation/confirmation.html", item=item, recorded=recorded, form=form,
                  recommendation=recommendation_choices(item.portfolio).get(
                      item.report.recommendation, "no recommendation"),
                  status=400 if form.errors else 200)
