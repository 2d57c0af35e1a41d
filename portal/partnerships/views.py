"""A council's partnership pages: its partnerships with what it shares and is shared, and
(for its administrators) sharing something with another council or withdrawing it."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.partnerships import operations, queries
from portal.partnerships.access import get_grant_we_gave_or_404, get_my_partnership_or_404
from portal.partnerships.errors import PartnershipError
from portal.partnerships.forms import GrantForm
from portal.partnerships.models import SharedPurpose

bp = Blueprint("partnerships", __name__, url_prefix="/partnerships")
administrators = requires_role(Role.ADMINISTRATOR)
leads_and_administrators = requires_role(Role.ADMINISTRATOR, Role.PROGRAMME_LEAD)
PARTNERSHIP = "/<int:partnership_id>"


def _index_url() -> str:
    return url_for("partnerships.index")


@bp.get("/")
@leads_and_administrators
def index():
    organisation_id = current_user.organisation_id
    partnerships = [(partnership, *queries.grants_involving(partnership, organisation_id))
                    for partnership in queries.partnerships_of(organisation_id)]
    return render("partnerships/index.html", partnerships=partnerships,
                  today=today_in_england(), purposes=list(SharedPurpose),
                  may_share=current_user.has_role(Role.ADMINISTRATOR))


@bp.route(PARTNERSHIP + "/grants/new", methods=["GET", "POST"])
@administrators
def new_grant(partnership_id: int):
    partnership = get_my_partnership_or_404(partnership_id)
    form = GrantForm()
    form.receiving_organisation_id.choices = [
        (str(c.id), c.name) for c in partnership.councils
        if c.id != current_user.organisation_id]
    if form.validate_on_submit():
        try:
            grant = operations.give_grant(current_user, partnership, form.details(),
                                          today_in_england())
            form.created(_index_url())
        except PartnershipError as error:
            db.session.rollback()
            field = form[error.field or "purpose"]
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"Your council now shares {grant.shared.label.lower()} with "
                  f"{grant.receiving.name} from {grant.starts_on:%-d %B %Y} to "
                  f"{grant.ends_on:%-d %B %Y}.", "success")
            return redirect_to(_index_url())
    return render("partnerships/new_grant.html", form=form, partnership=partnership,
                  purposes=list(SharedPurpose), status=400 if form.errors else 200)


@bp.route(PARTNERSHIP + "/grants/<int:grant_id>/withdraw", methods=["GET", "POST"])
@administrators
def withdraw(partnership_id: int, grant_id: int):
    grant = get_grant_we_gave_or_404(partnership_id, grant_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        if form.is_submitted():
            abort(400)
        return confirmation_page(Confirmation(
            question=f"Stop sharing {grant.shared.label.lower()} with {grant.receiving.name}?",
            caption=grant.partnership.name,
            action_url=url_for("partnerships.withdraw", partnership_id=partnership_id,
                               grant_id=grant.id),
            button="Yes, stop sharing", cancel_url=_index_url(),
            consequences=(f"{grant.receiving.name} loses what this gave it at once.",
                          "To share again, your council gives a new grant.")))
    try:
        operations.withdraw_grant(current_user, grant)
    except PartnershipError as error:
        db.session.rollback()
        flash(str(error), "warning")
    else:
        db.session.commit()
        flash(f"Your council no longer shares {grant.shared.label.lower()} with "
              f"{grant.receiving.name}.", "success")
    return redirect_to(_index_url())
