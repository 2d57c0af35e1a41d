"""The administrator's user management: list, add, edit, deactivate, import."""

from collections.abc import Callable

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from portal.accounts import invitations, operations, two_factor
from portal.accounts.deactivation import deactivation_warnings
from portal.accounts.forms import ImportUsersForm, NewUserForm, UserForm
from portal.accounts.imports import import_users
from portal.accounts.models import User, UserRole
from portal.accounts.roles import COUNCIL_ROLES, Role
from portal.core.access import requires_role
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate
from portal.core.template_helpers import plural
from portal.organisations.models import Team

bp = Blueprint("users", __name__, url_prefix="/admin/users")
administrators_only = requires_role(Role.ADMINISTRATOR)
# Sections that higher packages add to a person's admin page (see add_user_page_section).
_user_page_sections: list[Callable[[User], dict]] = []


def add_user_page_section(context: Callable[[User], dict]) -> None:
    """Add a section's template context (a function of the person) to their admin page."""
    if context not in _user_page_sections:
        _user_page_sections.append(context)


def _sections(user: User) -> dict:
    sections = {}
    for context in _user_page_sections:
        sections.update(context(user))
    return sections


def _organisation_teams():
    return db.session.scalars(
        select(Team).where(Team.organisation_id == current_user.organisation_id).order_by(Team.name)
    ).all()


def get_user_in_my_organisation(user_id: int) -> User:
    """The loader owns the 404: a user from another council does not exist for you."""
    user = db.session.get(User, user_id)
    if user is None or user.organisation_id != current_user.organisation_id:
        abort(404)
    return user


def _details(form: UserForm) -> operations.UserDetails:
    return operations.UserDetails(
        name=form.name.data, email=form.email.data, roles=form.selected_roles,
        team_id=form.selected_team_id,
    )


def _apply_error(form: UserForm, error: operations.AccountError) -> None:
    field = getattr(form, error.field or "name")
    field.errors = [*field.errors, str(error)]


@bp.route("/")
@administrators_only
def index():
    query = request.args.get("q", "").strip()[:100]
    role = request.args.get("role", "")
    statement = (
        select(User)
        .where(User.organisation_id == current_user.organisation_id)
        .options(selectinload(User.team))
        .order_by(func.lower(User.name), User.id)
    )
    if query:
        # autoescape: a typed '_' or '%' is a character to find, not a wildcard.
        typed = query.lower()
        statement = statement.where(or_(func.lower(User.name).contains(typed, autoescape=True),
                                        User.email.contains(typed, autoescape=True)))
    if role in {r.value for r in Role}:
        statement = statement.where(User.role_grants.any(UserRole.role == role))
    page = paginate(statement)
    return render("accounts/admin/users.html", page=page, query=query, role=role, roles=list(Role))


@bp.route("/new", methods=["GET", "POST"])
@administrators_only
def new():
    form = NewUserForm()
    form.set_team_choices(_organisation_teams())
    if form.validate_on_submit():
        try:
            user = operations.create_user(current_user, _details(form))
            invitations.invite(current_user, user)
            form.created(url_for("users.index"))
        except operations.AccountError as error:
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"{user.name} has been added and sent an invitation to set their "
                  "password.", "success")
            return redirect_to(url_for("users.index"))
    return render("accounts/admin/user_form.html", form=form, user=None,
                  status=400 if form.errors else 200)


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@administrators_only
def edit(user_id: int):
    user = get_user_in_my_organisation(user_id)
    form = UserForm(obj=None if request.method == "POST" else user)
    form.set_team_choices(_organisation_teams())
    if request.method == "GET":
        form.team_id.data = str(user.team_id or "")
        form.roles.data = [r.value for r in user.sorted_roles if r in COUNCIL_ROLES]
    if form.validate_on_submit():
        try:
            operations.update_user(current_user, user, _details(form))
        except operations.AccountError as error:
            db.session.rollback()
            _apply_error(form, error)
        else:
            db.session.commit()
            flash(f"Changes to {user.name} have been saved.", "success")
            return redirect_to(url_for("users.index"))
    return render("accounts/admin/user_form.html", form=form, user=user,
                  confirm=ConfirmForm(), warnings=deactivation_warnings(user),
                  two_factor_record=two_factor.authenticator(user),
                  status=400 if form.errors else 200, **_sections(user))


@bp.route("/<int:user_id>/deactivate", methods=["GET", "POST"])
@administrators_only
def deactivate(user_id: int):
    """GET asks 'are you sure?'; the POST from that page deactivates."""
    user = get_user_in_my_organisation(user_id)
    if request.method == "GET":
        return confirmation_page(_deactivation(user))
    if ConfirmForm().validate_on_submit():
        warnings = deactivation_warnings(user)
        try:
            operations.deactivate_user(current_user, user)
        except operations.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{user.name} has been deactivated and signed out everywhere.", "success")
            for warning in warnings:
                flash(warning, "warning")
    return redirect_to(url_for("users.edit", user_id=user.id))


def _deactivation(user: User) -> Confirmation:
    back = url_for("users.edit", user_id=user.id)
    return Confirmation(
        question=f"Are you sure you want to deactivate {user.name}?",
        caption="Deactivate an account",
        consequences=(
            f"{user.name} will be signed out everywhere and will not be able to sign in.",
            "Any password reset link they have been sent will stop working.",
            "Their records, and what they wrote in other people's, are kept.",
            *deactivation_warnings(user),  # for example, a panel left short of its quorum
        ),
        warning="You can reactivate the account later, but they will have to sign in again.",
        action_url=url_for("users.deactivate", user_id=user.id),
        button=f"Yes, deactivate {user.name}", cancel_url=back,
        cancel_text="No, keep the account active")


@bp.route("/<int:user_id>/reactivate", methods=["POST"])
@administrators_only
def reactivate(user_id: int):
    user = get_user_in_my_organisation(user_id)
    if ConfirmForm().validate_on_submit():
        try:
            operations.reactivate_user(current_user, user)
        except operations.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{user.name} has been reactivated.", "success")
    return redirect_to(url_for("users.edit", user_id=user.id))


@bp.route("/<int:user_id>/two-factor/reset", methods=["GET", "POST"])
@administrators_only
def reset_two_factor(user_id: int):
    """For a lost phone: GET asks 'are you sure?'; the POST from that page resets."""
    user = get_user_in_my_organisation(user_id)
    if request.method == "GET":
        return confirmation_page(_two_factor_reset(user))
    if ConfirmForm().validate_on_submit():
        try:
            two_factor.reset(current_user, user)
        except operations.AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{user.name}'s two-factor sign-in has been reset.", "success")
    return redirect_to(url_for("users.edit", user_id=user.id))


def _two_factor_reset(user: User) -> Confirmation:
    return Confirmation(
        question=f"Are you sure you want to reset {user.name}'s two-factor sign-in?",
        caption="Two-factor sign-in",
        consequences=(
            f"{user.name} will be signed out everywhere.",
            "Their authenticator app and recovery codes will stop working.",
            "They will sign in with their password only, and will be asked to set up a new "
            "app first if their role requires it.",
        ),
        warning="Check that you are talking to the person themselves, for example on a "
                "video call, before you reset it.",
        action_url=url_for("users.reset_two_factor", user_id=user.id),
        button="Yes, reset two-factor sign-in",
        cancel_url=url_for("users.edit", user_id=user.id))


@bp.route("/import", methods=["GET", "POST"])
@administrators_only
def import_csv():
    form = ImportUsersForm()
    result = None
    if form.validate_on_submit():
        raw = form.csv_file.data.read(2 * 1024 * 1024 + 1)
        if len(raw) > 2 * 1024 * 1024:
            form.csv_file.errors = ["The CSV file must be smaller than 2 MB"]
        else:
            result = import_users(current_user, raw)
            if result.errors:
                db.session.rollback()
                # A browser cannot keep a chosen file: say so, beside the file input.
                form.csv_file.errors = [
                    f"The file has {plural(len(result.errors), 'problem')}. Nothing was "
                    "imported. Fix the file, then choose it again"
                ]
            else:
                form.created(url_for("users.index"))
                db.session.commit()
                one = len(result.created) == 1
                imported = plural(len(result.created), "person", "people")
                flash(f"{imported} {'was' if one else 'were'} imported and sent "
                      f"{'an invitation' if one else 'invitations'}.", "success")
                return redirect_to(url_for("users.index"))
    return render("accounts/admin/import.html", form=form, result=result,
                  status=400 if form.errors else 200)
