"""The service administrator's partnership pages: every partnership, adding one, and
changing its councils."""

from flask import Blueprint, flash, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.partnerships import operations, queries
from portal.partnerships.access import get_partnership_or_404
from portal.partnerships.errors import PartnershipError
from portal.partnerships.forms import CouncilsForm, PartnershipForm

bp = Blueprint("service_partnerships", __name__, url_prefix="/service/partnerships")
service_administrators = requires_role(Role.SERVICE_ADMINISTRATOR)


def _council_choices(form) -> None:
    form.council_ids.choices = [(str(c.id), c.name) for c in queries.all_councils()]


def _show_error(form, error: PartnershipError) -> None:
    field = form[error.field or "council_ids"]
    field.errors = [*field.errors, str(error)]


@bp.get("/")
@service_administrators
def index():
    return render("partnerships/service_index.html", partnerships=queries.all_partnerships())


@bp.route("/new", methods=["GET", "POST"])
@service_administrators
def new():
    form = PartnershipForm()
    _council_choices(form)
    if form.validate_on_submit():
        try:
            partnership = operations.create_partnership(current_user, form.name.data,
                                                        form.chosen_ids())
            form.created(url_for("service_partnerships.index"))
        except PartnershipError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(f"{partnership.name} has been added. Its councils share nothing until "
                  "their administrators choose to.", "success")
            return redirect_to(url_for("service_partnerships.index"))
    return render("partnerships/service_new.html", form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:partnership_id>/councils", methods=["GET", "POST"])
@service_administrators
def councils(partnership_id: int):
    partnership = get_partnership_or_404(partnership_id)
    form = CouncilsForm(data={"council_ids": [str(c.id) for c in partnership.councils]})
    _council_choices(form)
    if form.validate_on_submit():
        try:
            operations.change_councils(current_user, partnership, form.chosen_ids())
        except PartnershipError as error:
            db.session.rollback()
            _show_error(form, error)
        else:
            db.session.commit()
            flash(f"The councils of {partnership.name} have been saved.", "success")
            return redirect_to(url_for("service_partnerships.index"))
    return render("partnerships/service_councils.html", form=form, partnership=partnership,
                  status=400 if form.errors else 200)
