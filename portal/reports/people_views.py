"""Employment records: the council's social workers, when each started, the teams they
moved between, when and why they left, and the registration details the ASYE funding
claims ask for, recorded by a programme lead or administrator."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import OnceForm
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate
from portal.organisations.models import ENTRY_ROUTE_LABELS
from portal.reports import operations, queries, registrations
from portal.reports.access import get_social_worker_or_404
from portal.reports.forms import LeavingForm, RegistrationForm, TeamChangeForm
from portal.reports.models import LeavingReason
from portal.reports.views import report_readers

bp = Blueprint("workforce_people", __name__, url_prefix="/workforce/people")


def _apply_error(form, error: operations.RetentionError) -> None:
    field = getattr(form, error.field)
    field.errors = [*field.errors, str(error)]


@bp.route("/")
@report_readers
def index():
    page = paginate(queries.people_statement(current_user.organisation_id), rows=True)
    page.items = [queries.SocialWorker(*row) for row in page.items]
    return render("reports/people.html", page=page,
                  reasons={reason.value: reason.label for reason in LeavingReason})


@bp.route("/<int:candidate_id>")
@report_readers
def show(candidate_id: int):
    person = get_social_worker_or_404(candidate_id)
    return render("reports/person.html", person=person,
                  started_on=operations.started_on(person.id),
                  cohorts=queries.cohorts_of(person.id),
                  team_changes=queries.team_changes_of(person.id),
                  leaving=operations.leaving_record(person.id),
                  registration=registrations.registration_of(person.id),
                  asye_start=queries.asye_start_of(person.id),
                  qualified_long_before=registrations.qualified_long_before,
                  entry_route_labels=ENTRY_ROUTE_LABELS)


def _saved(form, save, back: str, message: str):
    """Run `save` (an operation) once the form is valid: the redirect back to the person
    after a commit, or None with the refusal on its field (the form is shown again)."""
    if not form.validate_on_submit():
        return None
    try:
        save()
        if isinstance(form, OnceForm):  # a one-time form remembers where its save went
            form.created(back)
    except operations.RetentionError as error:
        db.session.rollback()
        _apply_error(form, error)
        return None
    db.session.commit()
    flash(message, "success")
    return redirect_to(back)


def _living_or_404(candidate_id: int):
    """The person for a change to their records: an erased person's records are not
    written again (erasure removed what the form would put back)."""
    person = get_social_worker_or_404(candidate_id)
    if person.erased_at is not None:
        abort(404)
    return person


def _back(person) -> str:
    return url_for("workforce_people.show", candidate_id=person.id)


@bp.route("/<int:candidate_id>/leaving", methods=["GET", "POST"])
@report_readers
def leaving(candidate_id: int):
    person = _living_or_404(candidate_id)
    record = operations.leaving_record(person.id)
    form = LeavingForm(obj=record)
    done = _saved(form, lambda: operations.record_leaving(
        current_user, person, form.left_on.data, LeavingReason(form.reason.data),
        today_in_england()), _back(person), f"{person.name}’s leaving record has been saved.")
    return done or render("reports/leaving_form.html", form=form, person=person,
                          record=record, status=400 if form.errors else 200)


@bp.route("/<int:candidate_id>/team", methods=["GET", "POST"])
@report_readers
def team_change(candidate_id: int):
    person = _living_or_404(candidate_id)
    form = TeamChangeForm()
    form.set_team_choices(queries.council_teams(person.organisation_id))
    done = _saved(form, lambda: operations.record_team_change(
        current_user, person, int(form.team_id.data), form.changed_on.data,
        today_in_england()), _back(person),
        f"{person.name}’s move to a new team has been saved.")
    return done or render("reports/team_change_form.html", form=form, person=person,
                          status=400 if form.errors else 200)


@bp.route("/<int:candidate_id>/registration", methods=["GET", "POST"])
@report_readers
def registration(candidate_id: int):
    person = _living_or_404(candidate_id)
    form = RegistrationForm(obj=registrations.registration_of(person.id))
    done = _saved(form, lambda: registrations.record_registration(
        current_user, person, registrations.RegistrationDetails(
            form.qualified_on.data, form.swe_number.data, form.asye_registered_on.data),
        today_in_england()), _back(person),
        f"{person.name}’s registration details have been saved.")
    return done or render("reports/registration_form.html", form=form, person=person,
                          status=400 if form.errors else 200)
