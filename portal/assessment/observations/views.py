"""Direct observations of practice: the assessor or another qualified observer records
one, the observer completes it, the candidate reflects, the assessor signs it off.

Whoever may not see an observation gets 404, as if it did not exist.
"""

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.confirmations import sign_off_confirmation
from portal.assessment.models import Observation, ObservationState
from portal.assessment.observations import operations as ops
from portal.assessment.observations.forms import (
    TEXT_LIMITS,
    NewObservationForm,
    ObservationForm,
    ReflectionForm,
    TransitionForm,
)
from portal.assignments.access import assesses
from portal.core.access import requires_role, signed_in
from portal.core.confirm import confirmation_page
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.urls import id_argument
from portal.frameworks.queries import element_choices, frameworks_for_candidate

bp = Blueprint("observations", __name__, url_prefix="/observations")
assessors_only = requires_role(Role.ASSESSOR)
candidates_only = requires_role(Role.CANDIDATE)


# Loaders: each owns the 404 decision ---------------------------------------------------
def _candidate_or_404() -> User:
    """The candidate named in ?candidate=, if the signed-in user assesses them now."""
    candidate_id = id_argument(request.args.get("candidate"))
    candidate = db.session.get(User, candidate_id) if candidate_id else None
    if (candidate is None or candidate.organisation_id != current_user.organisation_id
            or not candidate.has_role(Role.CANDIDATE)
            or not assesses(current_user, candidate.id)):
        abort(404)
    return candidate


def _observation_or_404(observation_id: int, allowed) -> Observation:
    observation = db.session.get(Observation, observation_id)
    if observation is None or not allowed(current_user, observation):
        abort(404)
    return observation


# Page helpers -------------------------------------------------------------------------
def _grouped(candidate_id: int):
    """The frameworks of the candidate's current portfolio (or programme) and elements."""
    portfolio = ops.current_portfolio(candidate_id)
    if portfolio is not None:
        return element_choices(portfolio.frameworks)
    return element_choices(frameworks_for_candidate(db.session.get(User, candidate_id)))


def _prepare(form: ObservationForm, grouped, candidate: User, observation=None) -> None:
    form.offer_elements([(str(e.id), f"{f.title} {f.version}: {e.name}")
                         for f, elements in grouped for e in elements])
    if assesses(current_user, candidate.id):
        default = observation.observer_id if observation else current_user.id
        form.offer_observers(ops.qualified_observers(candidate), default)
    else:
        # Only the candidate's assessor chooses who observes.
        del form.observer_id


def _allowed_ids(grouped) -> set[int]:
    return {e.id for _, elements in grouped for e in elements}


def _details(form: ObservationForm) -> ops.ObservationDetails:
    return ops.ObservationDetails(
        observed_on=form.observed_on.data, setting=form.setting.data or "",
        what_was_observed=form.what_was_observed.data or "", analysis=form.analysis.data or "",
        strengths=form.strengths.data or "", areas_to_develop=form.areas_to_develop.data or "",
        links=form.chosen_links(),
    )


def _chosen_observer(form: ObservationForm) -> User | None:
    if "observer_id" not in form:
        return None
    return db.session.get(User, int(form.observer_id.data))


def _form_page(form, grouped, candidate, observation=None, status=200):
    return render("assessment/observations/form.html", form=form, grouped=grouped,
                  candidate=candidate, observation=observation, limits=TEXT_LIMITS,
                  can_sign_off=observation is not None and ops.can_sign_off(current_user,
                                                                           observation),
                  sign_off_form=TransitionForm(formdata=None), status=status)


def _read_page(observation, problem: str | None = None, status: int = 200):
    form = None
    if problem:
        form = TransitionForm(formdata=None)
        form.form_errors.append(problem)
    return render("assessment/observations/show.html", observation=observation, form=form,
                  can_edit=ops.can_edit(current_user, observation),
                  can_reflect=ops.can_reflect(current_user, observation),
                  is_candidate=current_user.id == observation.candidate_id,
                  status=status)


def _edit_form(observation: Observation, grouped) -> ObservationForm:
    form = ObservationForm(obj=None if request.method == "POST" else observation)
    _prepare(form, grouped, observation.candidate, observation)
    if request.method == "GET":
        for row, link in zip(form.links, observation.links, strict=False):
            row.element_id.data, row.reason.data = str(link.element_id), link.reason
    return form


def _refused(observation: Observation, message: str, grouped=None):
    """Show why a change was refused, on the page the user came from."""
    if ops.can_edit(current_user, observation):
        grouped = grouped if grouped is not None else _grouped(observation.candidate_id)
        form = _edit_form_from_record(observation, grouped)
        form.form_errors.append(message)
        return _form_page(form, grouped, observation.candidate, observation, status=400)
    return _read_page(observation, message, status=400)


def _edit_form_from_record(observation, grouped) -> ObservationForm:
    form = ObservationForm(formdata=None, obj=observation)
    _prepare(form, grouped, observation.candidate, observation)
    for row, link in zip(form.links, observation.links, strict=False):
        row.element_id.data, row.reason.data = str(link.element_id), link.reason
    return form


# Routes -------------------------------------------------------------------------------
@bp.route("/new", methods=["GET", "POST"])
@assessors_only
def new():
    """Record an observation of one of my candidates (as observer, or for a colleague)."""
    candidate = _candidate_or_404()
    grouped = _grouped(candidate.id)
    form = NewObservationForm()
    _prepare(form, grouped, candidate)
    if form.validate_on_submit():
        try:
            observation = ops.create_observation(current_user, candidate,
                                                 _chosen_observer(form), _details(form),
                                                 _allowed_ids(grouped))
            form.created(url_for("observations.show", observation_id=observation.id))
            db.session.commit()
        except ops.ObservationError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash("The observation has been saved as a draft.", "success")
            return redirect_to(url_for("observations.show", observation_id=observation.id))
    return _form_page(form, grouped, candidate, status=400 if form.errors else 200)


@bp.route("/<int:observation_id>", methods=["GET", "POST"])
@signed_in
def show(observation_id: int):
    """The observer's and assessor's form; everyone else allowed sees it read-only."""
    observation = _observation_or_404(observation_id, ops.can_view)
    if request.method == "POST":
        if not ops.may_write(current_user, observation):
            abort(404)
        if not ops.can_edit(current_user, observation):
            return _refused(observation, ops.LOCKED)
    elif not ops.can_edit(current_user, observation):
        return _read_page(observation)
    grouped = _grouped(observation.candidate_id)
    form = _edit_form(observation, grouped)
    if form.validate_on_submit():
        try:
            ops.update_observation(current_user, observation, _details(form),
                                   _allowed_ids(grouped), _chosen_observer(form))
            db.session.commit()
        except ops.ObservationIncomplete as error:
            db.session.rollback()
            form.form_errors.append("A completed observation must keep its analysis, "
                                    "strengths, areas to develop and a linked element")
            for name, message in error.problems:
                form.add_problem(name, message)
        except ops.ObservationError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash("Your changes have been saved.", "success")
            return redirect_to(url_for("observations.show", observation_id=observation.id))
        observation = db.session.get(Observation, observation_id)
    return _form_page(form, grouped, observation.candidate, observation,
                      status=400 if form.errors else 200)


@bp.route("/<int:observation_id>/complete", methods=["POST"])
@assessors_only
def complete(observation_id: int):
    """Save what the observer wrote and mark the observation complete (kept on error)."""
    observation = _observation_or_404(observation_id, ops.may_write)
    if observation.state != ObservationState.DRAFT.value:
        message = (ops.LOCKED if observation.state == ObservationState.SIGNED_OFF.value
                   else ops.REFUSALS["complete"])
        return _refused(observation, message)
    grouped = _grouped(observation.candidate_id)
    form = _edit_form(observation, grouped)
    if form.validate_on_submit():
        try:
            ops.update_observation(current_user, observation, _details(form),
                                   _allowed_ids(grouped), _chosen_observer(form))
            ops.complete_observation(current_user, observation)
            db.session.commit()
        except ops.ObservationIncomplete as error:
            db.session.rollback()
            for name, message in error.problems:
                form.add_problem(name, message)
        except ops.ObservationError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            flash("The observation is complete. The candidate can now see it and add their "
                  "reflection.", "success")
            return redirect_to(url_for("observations.show", observation_id=observation.id))
        observation = db.session.get(Observation, observation_id)
    return _form_page(form, grouped, observation.candidate, observation, status=400)


@bp.route("/<int:observation_id>/sign-off", methods=["GET", "POST"])
@assessors_only
def sign_off(observation_id: int):
    """The candidate's current assessor signs off; the record is then locked. GET asks
    'are you sure?' first."""
    observation = _observation_or_404(
        observation_id, lambda user, obs: (user.organisation_id == obs.organisation_id
                                           and assesses(user, obs.candidate_id)))
    if request.method == "GET":
        if not ops.can_sign_off(current_user, observation):
            return redirect_to(url_for("observations.show", observation_id=observation.id))
        return confirmation_page(sign_off_confirmation(observation))
    form = TransitionForm()
    if not form.validate_on_submit():
        return _refused(observation, "The form expired: try signing off again")
    try:
        ops.sign_off_observation(current_user, observation,
                                 current_app.config["EVIDENCE_MAX_LINKS"])
        db.session.commit()
    except ops.ObservationError as error:
        db.session.rollback()
        return _refused(db.session.get(Observation, observation_id), str(error))
    flash("The observation is signed off and locked. It is now in the candidate's evidence "
          "log and portfolio.", "success")
    return redirect_to(url_for("observations.show", observation_id=observation_id))


@bp.route("/<int:observation_id>/reflection", methods=["GET", "POST"])
@candidates_only
def reflection(observation_id: int):
    """The candidate's own reflection; only that field is read from the form."""
    observation = _observation_or_404(
        observation_id, lambda user, obs: user.id == obs.candidate_id and ops.can_view(user, obs))
    if not ops.can_reflect(current_user, observation):
        if request.method == "POST":
            return _read_page(observation, ops.LOCKED, status=400)
        return redirect_to(url_for("observations.show", observation_id=observation.id))
    form = ReflectionForm(obj=None if request.method == "POST" else observation)
    if form.validate_on_submit():
        try:
            ops.save_reflection(current_user, observation, form.candidate_reflection.data or "")
            db.session.commit()
        except ops.ObservationError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            observation = db.session.get(Observation, observation_id)
        else:
            flash("Your reflection has been saved.", "success")
            return redirect_to(url_for("observations.show", observation_id=observation.id))
    return render("assessment/observations/reflection.html", form=form,
                  observation=observation, limits=TEXT_LIMITS,
                  status=400 if form.errors else 200)


@bp.route("/mine")
@candidates_only
def mine():
    """The candidate's observations that are ready to see (not drafts)."""
    return render("assessment/observations/mine.html",
                  observations=ops.candidate_observations(current_user))
