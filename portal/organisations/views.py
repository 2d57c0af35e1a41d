"""Administrators and programme leads manage cohorts and who is in them."""

import functools
from datetime import date
from typing import NamedTuple

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from portal.accounts.forms import ConfirmForm
from portal.accounts.models import User
from portal.accounts.operations import find_by_email
from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate_self_paged
from portal.organisations import operations
from portal.organisations.cohort_rows import cohort_rows
from portal.organisations.forms import AddCandidateForm, CohortForm
from portal.organisations.models import Cohort, CohortMembership, EntryRoute
from portal.programmes.models import Programme

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")
cohort_managers = requires_role(Role.ADMINISTRATOR, Role.PROGRAMME_LEAD)


def get_cohort_in_my_organisation(cohort_id: int) -> Cohort:
    # The programme's name heads every cohort page.
    cohort = db.session.get(Cohort, cohort_id, options=[joinedload(Cohort.programme)])
    if cohort is None or cohort.organisation_id != current_user.organisation_id:
        abort(404)
    return cohort


def _programmes():
    return db.session.scalars(
        select(Programme)
        .where(Programme.organisation_id == current_user.organisation_id, Programme.active)
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
    form = CohortForm()
    form.set_programme_choices(_programmes())
    if form.validate_on_submit():
        try:
            cohort = operations.create_cohort(current_user, _details(form))
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


class CohortHeading(NamedTuple):
    """What the cohort's page shows above its list, as plain values: loading the cohort
    and its programme as objects cost a tenth of the page."""

    id: int
    organisation_id: int
    name: str
    programme_name: str
    start_date: date
    entry_route: str
    active: bool

    @property
    def entry_route_label(self) -> str:
        return EntryRoute(self.entry_route).label


@functools.cache
def _heading_statement():
    return (select(Cohort.id, Cohort.organisation_id, Cohort.name, Programme.name,
                   Cohort.start_date, Cohort.entry_route, Cohort.active)
            .join(Programme, Programme.id == Cohort.programme_id)
            .where(Cohort.id == bindparam("cohort_id")))


def cohort_heading_in_my_organisation(cohort_id: int) -> CohortHeading:
    row = db.session.execute(_heading_statement(), {"cohort_id": cohort_id}).first()
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return CohortHeading(*row)


def _render_cohort(cohort_id: int, form: AddCandidateForm, status: int = 200):
    from portal.portfolios.models import PortfolioState

    cohort = cohort_heading_in_my_organisation(cohort_id)
    page = paginate_self_paged(_members_statement(), _member_count_statement(),
                               {"cohort_id": cohort.id})
    page.items = [CohortMember(*row) for row in page.items]
    return render("organisations/cohort.html", cohort=cohort, page=page,
                  portfolio_states={state.value: state.label for state in PortfolioState},
                  cohort_rows=cohort_rows, form=form, status=status)


class CohortMember(NamedTuple):
    """A row of the cohort's list, as plain values: a page of 25 candidates used to load
    memberships, people, teams and every portfolio with its review points as objects."""

    membership_id: int
    candidate_id: int
    joined_on: date
    name: str
    team_name: str | None
    portfolio_state: str | None  # None: no portfolio yet
    next_due_on: date | None
    open_plan_id: int | None
    assessor_name: str | None


@functools.cache
def _member_count_statement():
    return select(func.count()).select_from(CohortMembership).where(
        CohortMembership.cohort_id == bindparam("cohort_id"))


@functools.cache
def _members_statement():
    """A page of the cohort's members with what the list shows of each: their team,
    portfolio state, next review date, whether a support plan is open and their current
    assessor's name, all in one query with the cohort's total. Built once: constructing
    it was a tenth of the page.

    The page is taken first, in name order (the account's name, without case), so
    everything else is looked up for those 25 rows only. Each member's portfolio is
    joined once (a membership has at most one: membership_id is unique), and its open plan
    and next review point are subqueries on the portfolio's id; three subqueries that each
    found the portfolio again cost PostgreSQL a quarter more.
    """
    from portal.assessment.models import Assignment, AssignmentRole, SupportPlan
    from portal.organisations.models import Team
    from portal.portfolios.models import Portfolio, PortfolioReviewPoint

    cohort_id = bindparam("cohort_id")
    member = (
        select(CohortMembership.id, CohortMembership.candidate_id,
               CohortMembership.joined_on, func.lower(User.name).label("name_order"))
        .join(User, User.id == CohortMembership.candidate_id)
        .where(CohortMembership.cohort_id == cohort_id)
        .order_by(func.lower(User.name), CohortMembership.candidate_id)
        .limit(bindparam("page_limit")).offset(bindparam("page_offset"))
        .subquery("member")
    )

    # The membership's portfolio, joined once for the page's rows (membership_id is
    # unique), so the plan and review-point lookups start from its id.
    portfolio = aliased(Portfolio, name="member_portfolio")
    state = portfolio.state
    # An open plan's id, not EXISTS: PostgreSQL would hash every plan for an EXISTS, but
    # works out a scalar subquery for the page's rows alone.
    open_plan = (
        select(SupportPlan.id)
        .where(SupportPlan.portfolio_id == portfolio.id, SupportPlan.closed_on.is_(None))
        .limit(1).correlate(portfolio).scalar_subquery())
    next_due = (
        select(PortfolioReviewPoint.due_on)
        .where(PortfolioReviewPoint.portfolio_id == portfolio.id,
               PortfolioReviewPoint.completed_on.is_(None))
        .order_by(PortfolioReviewPoint.position)
        .limit(1).correlate(portfolio).scalar_subquery())
    assessor = aliased(User)
    assessor_name = (
        select(assessor.name)
        .join(Assignment, Assignment.staff_id == assessor.id)
        .where(Assignment.candidate_id == member.c.candidate_id,
               Assignment.role == AssignmentRole.ASSESSOR.value,
               Assignment.ended_on.is_(None))
        .order_by(Assignment.id.desc())
        .limit(1)
        .correlate(member)
        .scalar_subquery()
    )
    total = (select(func.count()).select_from(CohortMembership)
             .where(CohortMembership.cohort_id == cohort_id).scalar_subquery())
    return (
        select(member.c.id, member.c.candidate_id, member.c.joined_on, User.name, Team.name,
               state, next_due, open_plan, assessor_name, total.label("total_rows"))
        .select_from(member)
        .join(User, member.c.candidate_id == User.id)
        .outerjoin(Team, Team.id == User.team_id)
        .outerjoin(portfolio, portfolio.membership_id == member.c.id)
        .order_by(member.c.name_order, member.c.candidate_id)
    )


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@cohort_managers
def edit(cohort_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    form = CohortForm(obj=cohort)
    form.set_programme_choices(_programmes())
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
        except operations.CohortError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{candidate.name} has been added to the cohort.", "success")
            return redirect_to(url_for("cohorts.show", cohort_id=cohort.id))
    return _render_cohort(cohort_id, form, status=400)


@bp.route("/<int:cohort_id>/candidates/<int:membership_id>/remove", methods=["POST"])
@cohort_managers
def remove_candidate(cohort_id: int, membership_id: int):
    cohort = get_cohort_in_my_organisation(cohort_id)
    membership = db.session.get(CohortMembership, membership_id)
    if membership is None or membership.cohort_id != cohort.id:
        abort(404)
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
