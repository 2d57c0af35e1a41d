"""Administrators and programme leads manage cohorts and who is in them."""

from datetime import date

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.accounts.operations import find_by_email
from portal.accounts.roles import Role
from portal.cohorts import operations, queries
from portal.cohorts.forms import AddCandidateForm, CohortForm, NewCohortForm
from portal.core.access import requires_role
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate_self_paged
from portal.organisations.access import get_cohort_in_my_organisation
from portal.organisations.models import Cohort, CohortMembership, EntryRoute
from portal.portfolios.models import PortfolioState
from portal.programmes.models import Programme, ProgrammeState
from portal.visibility import opens_council_portfolios

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
cohort_managers = requires_role(Role.ADMINISTRATOR, Role.PROGRAMME_LEAD)


def _programmes(keep_id: int | None = None):
    """Published programmes a cohort can start on, and the cohort's own version."""
    offered = Programme.state == ProgrammeState.PUBLISHED.value
    if keep_id is not None:
        offered = offered | (Programme.id == keep_id)
    return db.session.scalars(
        select(Programme)
        .where(Programme.organisation_id == current_user.organisation_id, Programme.active,
               offered)
        .order_by(Programme.name)
    ).all()


def _details(form: CohortForm) -> operations.CohortDetails:
    return operations.CohortDetails(
        name=form.name.data,
        programme_id=int(form.programme_id.data),
        start_date=form.start_date.data,
        entry_route=EntryRoute(form.entry_route.data),
    )


def _apply_error(form, error: operations.CohortError) -> None:
    field = getattr(form, error.field or "name")
    field.errors = [*field.errors, str(error)]


@bp.route("/")
@cohort_managers
def index():
    member_count = (
        select(func.count(CohortMembership.id))
        .where(CohortMembership.cohort_id == Cohort.id)
        .correlate(Cohort)
        .scalar_subquery()
    )
    statement = (
        select(Cohort, member_count.label("members"))
        .where(Cohort.organisation_id == current_user.organisation_id)
        .options(selectinload(Cohort.programme))
        .order_by(Cohort.active.desc(), Cohort.start_date.desc(), Cohort.id)
    )
    rows = db.session.execute(statement).all()
    return render("organisations/cohorts.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"])
@cohort_managers
def new():
    form = NewCohortForm()
    form.set_programme_choices(_programmes())
    if form.validate_on_submit():
        try:
            cohort = operations.create_cohort(current_user, _details(form))
            form.created(url_for("cohorts.show", cohort_id=cohort.id))
        except operations.CohortError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"Cohort '{cohort.name}' has been created.", "success")
            return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))
    return render("organisations/cohort_form.html", form=form, cohort=None,
                  status=400 if form.errors else 200)


@bp.route("/<int:cohort_id>")
@cohort_managers
def show(cohort_id: int):
    return _render_cohort(cohort_id, AddCandidateForm())


def cohort_heading_in_my_organisation(cohort_id: int) -> queries.CohortHeading:
    cohort = queries.cohort_heading(cohort_id)
    if cohort is None or cohort.organisation_id != current_user.organisation_id:
        abort(404)
    return cohort


def _render_cohort(cohort_id: int, form: AddCandidateForm, status: int = 200):
    cohort = cohort_heading_in_my_organisation(cohort_id)
    page = paginate_self_paged(
        lambda limit, offset: queries.members_page_statement(cohort.id, limit, offset),
        queries.member_count_statement(cohort.id))
    page.items = [queries.CohortMember(*row) for row in page.items]
    # Programme leads read every portfolio of their council (the visibility table);
    # administrators manage the cohort without reading the candidates' work.
    return render("organisations/cohort.html", cohort=cohort, page=page,
                  portfolio_states={state.value: state.label for state in PortfolioState},
                  can_open_portfolios=opens_council_portfolios(current_user),
                  form=form, status=status)


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@cohort_managers
def edit(cohort_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    form = CohortForm(obj=cohort)
    form.set_programme_choices(_programmes(keep_id=cohort.programme_id))
    if not form.is_submitted():
        form.programme_id.data = str(cohort.programme_id)
    if form.validate_on_submit():
        try:
            operations.update_cohort(current_user, cohort, _details(form))
        except operations.CohortError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash("The cohort has been updated.", "success")
            return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))
    return render("organisations/cohort_form.html", form=form, cohort=cohort,
                  status=400 if form.errors else 200)


@bp.route("/<int:cohort_id>/close", methods=["POST"])
@cohort_managers
def close(cohort_id: int):
    return _set_active(cohort_id, False)


@bp.route("/<int:cohort_id>/reopen", methods=["POST"])
@cohort_managers
def reopen(cohort_id: int):
    return _set_active(cohort_id, True)


def _set_active(cohort_id: int, active: bool):
    cohort = get_cohort_in_my_organisation(cohort_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.set_cohort_active(current_user, cohort, active)
        except operations.CohortError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash("The cohort has been " + ("reopened." if active else "closed."), "success")
    return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/candidates", methods=["POST"])
@cohort_managers
def add_candidate(cohort_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    form = AddCandidateForm()
    if form.validate_on_submit():
        candidate = find_by_email(form.candidate_email.data)
        try:
            if candidate is None:
                raise operations.CohortError("There is no candidate with that email address in "
                                             "your organisation", field="candidate_email")
            operations.add_candidate(current_user, cohort, candidate, date.today())
            form.created(url_for("cohorts.show", cohort_id=cohort.id))
        except operations.CohortError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{candidate.name} has been added to the cohort.", "success")
            return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))
    return _render_cohort(cohort_id, form, status=400)


@bp.route("/<int:cohort_id>/candidates/<int:membership_id>/remove", methods=["GET", "POST"])
@cohort_managers
def remove_candidate(cohort_id: int, membership_id: int):
    """GET asks 'are you sure?' and says what goes; the POST from that page removes."""
    cohort = get_cohort_in_my_organisation(cohort_id)
    membership = db.session.get(CohortMembership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
    if request.method == "GET":
        return confirmation_page(_removal(cohort, membership))
    if ConfirmForm().validate_on_submit():
        name = membership.candidate.name
        try:
            operations.remove_candidate(current_user, membership)
        except operations.CohortError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{name} has been removed from the cohort.", "success")
    return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))


def _removal(cohort: Cohort, membership: CohortMembership) -> Confirmation:
    name = membership.candidate.name
    back = url_for("cohorts.show", cohort_id=cohort.id)
    return Confirmation(
        question=f"Are you sure you want to remove {name} from {cohort.name}?",
        caption="Remove a candidate",
        consequences=(
            f"{name} will no longer be in this cohort.",
            "Their portfolio for this cohort will be deleted, with its review dates, its "
            "records (agreement, development plans, supervision, protected time, KSS "
            "self-assessments) and its choice of evidence.",
            "Their account and the entries in their evidence log are kept.",
        ),
        action_url=url_for("cohorts.remove_candidate", cohort_id=cohort.id,
                           membership_id=membership.id),
        button="Yes, remove them", cancel_url=back, cancel_text="No, keep them in the cohort")
