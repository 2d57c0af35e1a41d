"""A lead moves a cohort to the newer version of its programme: what changes is listed
first, then one button moves the cohort and its portfolios."""

from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.cohorts import programme_versions
from portal.cohorts.operations import CohortError
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.urls import small_number
from portal.organisations.access import get_cohort_in_my_organisation
from portal.programmes import versions

bp = Blueprint("cohort_versions", __name__, url_prefix="/cohorts")
cohort_managers = requires_role(Role.ADMINISTRATOR, Role.PROGRAMME_LEAD)


@bp.route("/<int:cohort_id>/programme-version", methods=["GET", "POST"])
@cohort_managers
def move(cohort_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    current = cohort.programme
    target = programme_versions.move_target(cohort)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            programme_versions.move_cohort(
                current_user, cohort.id,
                small_number(request.form.get("from_programme_id")) or 0,
                small_number(request.form.get("to_programme_id")) or 0)
        except CohortError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            cohort = get_cohort_in_my_organisation(cohort_id)
            current, target = cohort.programme, programme_versions.move_target(cohort)
        else:
            db.session.commit()
            flash(f"{cohort.name} is now on version {cohort.programme.version} of "
                  f"{cohort.programme.name}.", "success")
            return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))
    return render("organisations/cohort_programme_version.html", cohort=cohort, current=current,
                  target=target, form=form,
                  changes=versions.changes(current, target) if target else None,
                  status=400 if form.errors else 200)
