"""A programme lead moves a cohort's portfolios to another framework version: choose the
versions, read what carries over for each candidate, confirm."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.forms import OnceConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.template_helpers import plural
from portal.frameworks.models import Framework
from portal.organisations.access import get_cohort_in_my_organisation
from portal.portfolios.framework_moves import operations, queries
from portal.portfolios.framework_moves.forms import ChooseMoveForm

bp = Blueprint("framework_moves", __name__, url_prefix="/cohorts")
programme_leads = requires_role(Role.PROGRAMME_LEAD)


@bp.route("/<int:cohort_id>/framework-move")
@programme_leads
def choose(cohort_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    form = ChooseMoveForm(formdata=request.args or None)
    form.set_choices(queries.cohort_frameworks(cohort.id), queries.active_frameworks())
    if request.args and form.validate():
        return redirect_to(url_for(".confirm", cohort_id=cohort.id,
                                   from_id=form.from_id.data, to_id=form.to_id.data))
    return render("portfolios/framework_moves/choose.html", cohort=cohort, form=form,
                  status=400 if form.errors else 200)


def _framework_or_404(framework_id: int) -> Framework:
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        abort(404)
    return framework


@bp.route("/<int:cohort_id>/framework-move/<int:from_id>/<int:to_id>",
          methods=["GET", "POST"])
@programme_leads
def confirm(cohort_id: int, from_id: int, to_id: int):
    """GET lists, per candidate, what carries over and what does not map; the POST from
    that page moves them all."""
    cohort = get_cohort_in_my_organisation(cohort_id)
    source, target = _framework_or_404(from_id), _framework_or_404(to_id)
    form = OnceConfirmForm()
    back = url_for("cohorts.show", cohort_id=cohort.id)
    error = None
    if form.validate_on_submit():
        try:
            moves = operations.move_cohort(current_user, cohort, source, target)
            form.created(back)
        except operations.MoveError as refused:
            db.session.rollback()
            error = str(refused)
        else:
            db.session.commit()
            flash(f"{plural(len(moves), 'portfolio')} moved from {source.label} to "
                  f"{target.label}.", "success")
            return redirect_to(back)
    if error is None:
        try:
            operations.check_versions(cohort, source, target)
        except operations.MoveError as refused:
            error = str(refused)
    if error is not None:
        form.form_key.errors = [*form.form_key.errors, error]
    rows = queries.movable_portfolios(cohort.id, source) if error is None else []
    return render("portfolios/framework_moves/confirm.html", cohort=cohort, source=source,
                  target=target, plans=queries.plans(rows, source.id, target.id),
                  form=form, refused=error is not None,
                  status=400 if form.errors else 200)
