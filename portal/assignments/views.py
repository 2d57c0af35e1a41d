"""Programme leads and administrators assign each candidate an assessor and a line manager."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.assignments import operations
from portal.assignments.confirmations import end_assignment_confirmation
from portal.assignments.forms import FORMS
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.access import requires_role
from portal.core.confirm import confirmation_page
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm, OnceConfirmForm, PortalForm
from portal.core.htmx import redirect_to, render
from portal.core.urls import id_argument

bp = Blueprint("assignments", __name__, url_prefix="/assignments")
assigners = requires_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR)

ROLE_WORDS = {AssignmentRole.ASSESSOR: "assessor", AssignmentRole.LINE_MANAGER: "line manager"}
WITH_ARTICLE = {AssignmentRole.ASSESSOR: "an assessor",
                AssignmentRole.LINE_MANAGER: "a line manager"}


def _make_form(role: AssignmentRole, formdata=None) -> PortalForm:
    """One form per role; the prefix keeps the two forms' field ids apart on the page."""
    form = FORMS[role](formdata=formdata, prefix=role.value)
    form.staff_id.choices = [("", f"Select {WITH_ARTICLE[role]}")] + [
        (str(person.id), person.name) for person in _staff_holding(operations.REQUIRED_ROLE[role])
    ]
    return form


def _staff_holding(role: Role) -> list[User]:
    return db.session.scalars(
        select(User)
        .where(User.organisation_id == current_user.organisation_id, User.active,
               User.role_grants.any(UserRole.role == role.value))
        .order_by(func.lower(User.name), User.id)
    ).all()


def get_candidate_in_my_organisation(candidate_id: int) -> User:
    candidate = db.session.get(User, candidate_id)
    if (candidate is None or candidate.organisation_id != current_user.organisation_id
            or not candidate.has_role(Role.CANDIDATE)):
        abort(404)
    return candidate


def _history(candidate: User):
    """Every assignment of the candidate, newest first, with who made it."""
    staff, assigner = aliased(User), aliased(User)
    return db.session.execute(
        select(Assignment, staff, assigner)
        .join(staff, Assignment.staff_id == staff.id)
        .outerjoin(assigner, Assignment.assigned_by_id == assigner.id)
        .where(Assignment.candidate_id == candidate.id,
               Assignment.organisation_id == candidate.organisation_id)
        .order_by(Assignment.started_on.desc(), Assignment.id.desc())
    ).all()


def _render(candidate: User, forms: dict, status: int = 200):
    history = _history(candidate)
    current = {role: next((row for row in history if row[0].role == role.value
                           and row[0].current), None) for role in AssignmentRole}
    failed = next((form for form in forms.values() if form.errors), None)
    return render("assignments/candidate.html", candidate=candidate, history=history,
                  current=current, forms=forms, form=failed, role_words=ROLE_WORDS,
                  confirm=ConfirmForm(), status=status)


@bp.route("/candidates/<int:candidate_id>", methods=["GET", "POST"])
@assigners
def candidate(candidate_id: int):
    candidate = get_candidate_in_my_organisation(candidate_id)
    posted_role = request.form.get("role") if request.method == "POST" else None
    forms = {role: _make_form(role, request.form if posted_role == role.value else None)
             for role in AssignmentRole}
    if request.method == "POST":
        if posted_role not in {role.value for role in AssignmentRole}:
            abort(400)
        role = AssignmentRole(posted_role)
        form = forms[role]
        # The page's one-time key is unprefixed, like its CSRF token: sent twice (a double
        # click), the assignment is made once.
        once = OnceConfirmForm()
        if form.validate_on_submit() and once.validate_on_submit():
            staff_id = id_argument(form.staff_id.data)
            staff = db.session.get(User, staff_id) if staff_id else None
            try:
                if staff is None:
                    raise operations.AssignmentError(
                        f"Choose {WITH_ARTICLE[role]} from your organisation", "staff_id")
                operations.assign(current_user, candidate, staff, role, today_in_england())
                once.created(url_for("assignments.candidate", candidate_id=candidate.id))
            except operations.AssignmentError as error:
                db.session.rollback()
                form.staff_id.errors = [*form.staff_id.errors, str(error)]
            else:
                db.session.commit()
                flash(f"{staff.name} is now {candidate.name}'s {ROLE_WORDS[role]}.", "success")
                return redirect_to(url_for("assignments.candidate", candidate_id=candidate.id))
        form.staff_id.errors = [*form.staff_id.errors, *once.form_key.errors]
        return _render(candidate, forms, status=400)
    return _render(candidate, forms)


@bp.route("/candidates/<int:candidate_id>/assignments/<int:assignment_id>/end",
          methods=["GET", "POST"])
@assigners
def end(candidate_id: int, assignment_id: int):
    """GET asks 'are you sure?'; the POST from that page ends the assignment."""
    candidate = get_candidate_in_my_organisation(candidate_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.candidate_id != candidate.id:
        abort(404)
    if request.method == "GET":
        if assignment.ended_on is not None:
            return redirect_to(url_for("assignments.candidate", candidate_id=candidate.id))
        return confirmation_page(end_assignment_confirmation(assignment))
    if ConfirmForm().validate_on_submit():
        try:
            operations.end_assignment(current_user, assignment, today_in_england())
        except operations.AssignmentError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            word = ROLE_WORDS[AssignmentRole(assignment.role)]
            flash(f"{assignment.staff.name} is no longer {candidate.name}'s {word}.", "success")
    return redirect_to(url_for("assignments.candidate", candidate_id=candidate.id))
