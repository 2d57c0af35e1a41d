"""Programme configuration pages for programme leads and administrators."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.urls import small_number
from portal.programmes import building, operations
from portal.programmes.building_forms import NewVersionForm
from portal.programmes.forms import ProgrammeSettingsForm
from portal.programmes.models import Programme

bp = Blueprint("programmes", __name__, url_prefix="/programmes")
programme_managers = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)


def get_programme_or_404(programme_id: int) -> Programme:
    programme = db.session.get(Programme, programme_id, options=[
        selectinload(Programme.stages), selectinload(Programme.review_points),
        selectinload(Programme.components), selectinload(Programme.frameworks)])
    if programme is None or programme.organisation_id != current_user.organisation_id:
        abort(404)
    return programme


@bp.route("/")
@programme_managers
def index():
    programmes = db.session.scalars(
        select(Programme).where(Programme.organisation_id == current_user.organisation_id)
        .options(selectinload(Programme.frameworks))
        .order_by(Programme.name, Programme.family_code, Programme.version)
    ).all()
    return render("programmes/index.html", programmes=programmes)


def _numbers(prefix: str, ids, errors: dict) -> dict[int, int]:
    values = {}
    for item_id in ids:
        name = f"{prefix}-{item_id}"
        raw = (request.form.get(name) or "").strip()
        number = small_number(raw)
        if number is None:
            errors[name] = "Enter a whole number"
            continue
        values[item_id] = number
    return values


@bp.route("/<int:programme_id>", methods=["GET", "POST"])
@programme_managers
def show(programme_id: int):
    programme = get_programme_or_404(programme_id)
    if not building.editable(programme):
        return _frozen_settings(programme)
    form = ProgrammeSettingsForm()
    errors: dict[str, str] = {}
    if form.validate_on_submit():
        counts = _numbers("component", [c.id for c in programme.components], errors)
        months = _numbers("review", [p.id for p in programme.review_points], errors)
        if not errors:
            try:
                changed = operations.update_settings(
                    current_user, programme, counts, months,
                    nothing_required_confirmed=form.confirm_nothing_required.data)
            except operations.ProgrammeError as error:
                db.session.rollback()
                errors[error.field] = str(error)
                if error.field == operations.NOTHING_REQUIRED_FIELD:
                    form.confirm_nothing_required.errors = [str(error)]
            else:
                db.session.commit()
                flash("Your changes have been saved." if changed else "Nothing was changed.",
                      "success")
                return redirect_to(url_for("programmes.show", programme_id=programme.id))
    return render("programmes/show.html", programme=programme, form=form, errors=errors,
                  submitted=request.form if request.method == "POST" else {},
                  ask_nothing_required=operations.NOTHING_REQUIRED_FIELD in errors,
                  frozen=False, status=400 if errors or form.errors else 200)


def _frozen_settings(programme: Programme):
    """A version a cohort uses (or a replaced one) is shown, not changed: a save sent from
    a page opened before the version froze is refused with the way forward."""
    errors = {}
    if request.method == "POST":
        errors["new-version"] = ("A cohort uses this version, so its counts and months "
                                 "cannot change. Start a new version to make changes.")
    return render("programmes/show.html", programme=programme, form=None, errors=errors,
                  submitted={}, ask_nothing_required=False, frozen=True,
                  in_use=building.in_use(programme), version_form=NewVersionForm(),
                  status=409 if errors else 200)
