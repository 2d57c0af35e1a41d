"""One-time feedback links for people without an account.

Candidates (and their current assessor) make and cancel links; the public form at
/give-feedback is the only page the link opens, in a layout with no navigation. The link
carries its secret in the query string (which the access log leaves out); on first use the
secret moves into the session and the address bar shows /give-feedback without it, so it
is not kept in the browser's history or sent on in a Referer header.
"""

from flask import Blueprint, abort, current_app, flash, request, session, url_for
from flask_login import current_user

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.assessment.confirmations import cancel_link_confirmation
from portal.assessment.models import FeedbackRequest
from portal.assessment.outside_feedback import operations as outside
from portal.assessment.outside_feedback.forms import (
    ColleagueForm,
    CreateLinkForm,
    LivedExperienceForm,
    answer_text,
)
from portal.core.access import public, requires_role, signed_in
from portal.core.confirm import confirmation_page
from portal.core.db import db
from portal.core.extensions import limiter
from portal.core.htmx import redirect_to, render
from portal.visibility import Kind, require

bp = Blueprint("outside", __name__)

PUBLIC_POST_LIMIT = "20 per hour"
SESSION_KEY = "feedback_link_token"


# Candidate and assessor side ----------------------------------------------------------
def _link_for(secret: str) -> str:
    base = current_app.config["PORTAL_BASE_URL"]
    path = url_for("outside.give", token=secret)  # /give-feedback?token=...
    # In production the base URL comes from settings, never from the Host header.
    return (base + path) if base else url_for("outside.give", token=secret, _external=True)


def _with_status(links):
    return [(link, outside.status(link)) for link in links]


def _create(form: CreateLinkForm, candidate: User):
    """Make the link and show it, once. None if the form has problems."""
    try:
        link, secret = outside.create_request(
            current_user, candidate, outside.OutsideKind(form.kind.data), form.label.data,
            current_app.config["FEEDBACK_LINK_DAYS"])
    except outside.OutsideFeedbackError as error:
        db.session.rollback()
        getattr(form, error.field or "label").errors.append(str(error))
        return None
    # A repeat of this form goes to the list, where the link now is (its secret is shown
    # only on this answer).
    form.created(url_for("outside.index") if candidate.id == current_user.id
                 else url_for("outside.for_candidate", candidate_id=candidate.id))
    db.session.commit()
    # Rendered, not redirected: the secret is not stored anywhere it could be shown again.
    return render("assessment/outside/created.html", link=link, url=_link_for(secret),
                  kind=outside.OutsideKind(link.kind), candidate=candidate,
                  for_self=candidate.id == current_user.id)


@bp.route("/feedback-requests", methods=["GET", "POST"])
@requires_role(Role.CANDIDATE)
def index():
    """The candidate's feedback links, and the form to make one."""
    form = CreateLinkForm()
    if form.validate_on_submit():
        response = _create(form, current_user)
        if response is not None:
            return response
    return render("assessment/outside/index.html", form=form,
                  links=_with_status(outside.requests_for(current_user)),
                  status=400 if form.errors else 200)


@bp.route("/feedback-requests/<int:request_id>/cancel", methods=["GET", "POST"])
@requires_role(Role.CANDIDATE)
def cancel(request_id: int):
    """GET asks 'are you sure?'; the POST from that page cancels the link."""
    link = db.session.get(FeedbackRequest, request_id)
    if link is None or link.candidate_id != current_user.id:
        abort(404)
    if request.method == "GET":
        if outside.status(link) != outside.LinkStatus.WAITING:
            return redirect_to(url_for("outside.index"))
        return confirmation_page(cancel_link_confirmation(link))
    try:
        outside.cancel_request(current_user, link)
    except outside.OutsideFeedbackError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(f"The link ‘{link.label}’ has been cancelled. It no longer works.", "success")
    return redirect_to(url_for("outside.index"))


@bp.route("/feedback-requests/for/<int:candidate_id>", methods=["GET", "POST"])
@signed_in
def for_candidate(candidate_id: int):
    """The current assessor makes a link for a candidate they assess (the visibility
    table's outside-feedback row: nobody else sees a candidate's links)."""
    if candidate_id == current_user.id:
        return redirect_to(url_for("outside.index"), status=302)
    require(Kind.OUTSIDE_FEEDBACK, candidate_id, edit=request.method == "POST")
    candidate = db.session.get(User, candidate_id)
    form = CreateLinkForm()
    form.label.description = (f"Only you and {candidate.name} see this, never the person "
                              "you send the link to. Do not use full names.")
    if form.validate_on_submit():
        response = _create(form, candidate)
        if response is not None:
            return response
    return render("assessment/outside/for_candidate.html", form=form, candidate=candidate,
                  links=_with_status(outside.requests_for(candidate)),
                  status=400 if form.errors else 200)


# Public side --------------------------------------------------------------------------
def _public(response):
    """Nothing from the public form is kept by browsers, caches or search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_gone():
    # One answer for unknown, used, expired and cancelled links: no way to tell them apart.
    return _public(render("assessment/outside/link_gone.html", status=404))


@bp.route("/give-feedback", methods=["GET", "POST"])
@public
@limiter.limit(PUBLIC_POST_LIMIT, methods=["POST"])
def give():
    """The short form a person without an account fills in. No sign-in; works once."""
    token = request.args.get("token")
    if token:
        session[SESSION_KEY] = token[:100]
        return _public(redirect_to(url_for("outside.give")))
    return _give(session.get(SESSION_KEY, ""))


@bp.route("/give-feedback/<token>", methods=["GET", "POST"])
@public
@limiter.limit(PUBLIC_POST_LIMIT, methods=["POST"])
def give_link(token: str):
    """Links made before the secret moved to the query string still work; a form opened
    from one before then is still accepted."""
    session[SESSION_KEY] = token[:100]
    if request.method == "GET":
        return _public(redirect_to(url_for("outside.give")))
    return _give(token)


def _give(token: str):
    link = outside.open_request(token) if token else None
    if link is None:
        return _link_gone()
    kind = outside.OutsideKind(link.kind)
    first = outside.first_name(db.session.get(User, link.candidate_id))
    form = (LivedExperienceForm() if kind == outside.OutsideKind.LIVED_EXPERIENCE
            else ColleagueForm())
    form.name_the_candidate(first)
    if form.validate_on_submit():
        answers = outside.OutsideAnswers(
            who=answer_text(form.who.data), went_well=answer_text(form.went_well.data),
            could_be_better=answer_text(form.could_be_better.data),
            rating=answer_text(form.rating.data), consent=bool(form.consent.data))
        entry = outside.submit_feedback(link, answers)
        if entry is None:  # someone else sent it first
            db.session.rollback()
            return _link_gone()
        db.session.commit()
        session.pop(SESSION_KEY, None)
        return _public(render("assessment/outside/thanks.html", first=first))
    return _public(render("assessment/outside/give.html", form=form, kind=kind, first=first,
                          status=400 if form.errors else 200))
