"""Panel decisions: the chair records them, people with a stake read them, candidates
download their letter and may ask for a review, programme leads decide reviews.

Who may see what is decided in the loaders below (404 for anyone else, so that a
decision's existence is not given away); the domain rules live in `operations.py`.
"""

from datetime import date

from flask import Blueprint, abort, flash, make_response, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.routing import BuildError

from portal.accounts.roles import Role
from portal.assessment.reports.operations import pcf_domains
from portal.core.access import requires_role, signed_in
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.urls import id_argument, small_number
from portal.organisations.models import Organisation
from portal.panels import operations as panels
from portal.panels.access import (
    get_decision_or_404,
    get_item_for_chair_or_404,
    get_review_request_or_404,
    is_council_lead,
)
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    DecisionReviewRequest,
    Outcome,
    Panel,
    PanelDecision,
)
from portal.panels.views import anonymiser
from portal.portfolios.models import Portfolio, PortfolioState
from portal.visibility import Kind, can_read

bp = Blueprint("decisions", __name__, url_prefix="/decisions")
ACTION_ROWS = 3
TEXT_MAX = 10000
OWNER_MAX = 200
CONFLICT_MESSAGE = ("Another decision was recorded for this portfolio while you were "
                    "writing. Your text is below; nothing was saved.")
APPROVALS = {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}
REVIEW_OUTCOMES = {"upheld": "The decision is upheld",
                   "changed": "The decision is to be changed (record a correction)"}


# Reading the decision form --------------------------------------------------------------
def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _read_details(errors: dict) -> panels.DecisionDetails:
    """The decision as typed; problems the workflow cannot see (bad dates, too long) go
    into `errors` keyed by the field's id."""
    form = request.form
    rationale = form.get("rationale", "")
    if len(rationale) > TEXT_MAX:
        errors["rationale"] = f"The rationale must be {TEXT_MAX} characters or fewer"
    details = panels.DecisionDetails(
        code=form.get("code", ""), rationale=rationale,
        domain_ids=[v for v in (id_argument(raw) for raw in form.getlist("domain_ids")) if v])
    for row in range(ACTION_ROWS):
        what = form.get(f"action-{row}-description", "").strip()
        owner = form.get(f"action-{row}-owner", "").strip()
        due = form.get(f"action-{row}-due", "").strip()
        if not (what or owner or due):
            continue
        by = _parse_date(due) if due else None
        if due and by is None:
            errors[f"action-{row}-due"] = f"Enter a real date for action {row + 1}"
        if len(what) > TEXT_MAX or len(owner) > OWNER_MAX:
            errors[f"action-{row}-description"] = f"Action {row + 1} is too long"
        details.actions.append((what, owner, by))
    due = form.get("evidence_due_on", "").strip()
    if due:
        details.evidence_due_on = _parse_date(due)
        if details.evidence_due_on is None:
            errors["evidence_due_on"] = "Enter a real date by which the evidence is due"
    return details


def _field_anchor(field: str | None) -> str:
    """Where an error summary link for a workflow field lands (the first input of a group
    carries the group's name as its id, as GOV.UK Frontend's macros do)."""
    if field == "actions":
        return "action-0-description"
    return field or "rationale"


def _panel_url(panel: Panel) -> str | None:
    # The panel pages are another blueprint's; link to them only once they exist.
    try:
        return url_for("panels.show", panel_id=panel.id)
    except BuildError:
        return None


def _earlier_decisions(portfolio_id: int, item_id: int) -> list[PanelDecision]:
    """Decisions from earlier panels on the same portfolio (a deferral's history)."""
    return db.session.scalars(select(PanelDecision).where(
        PanelDecision.portfolio_id == portfolio_id, PanelDecision.agenda_item_id != item_id)
        .order_by(PanelDecision.decided_at, PanelDecision.id)).all()


# Recording a decision -------------------------------------------------------------------
def _render_form(item: AgendaItem, *, errors=None, status=200, version=None, conflict=None,
                 typed=None):
    portfolio = item.portfolio
    codes = panels.decision_codes(portfolio.programme_id)
    return render("panels/decisions/record.html", item=item, portfolio=portfolio,
                  codes=codes, domains=_pcf_domains(portfolio), errors=errors or {},
                  version=item.version if version is None else version,
                  submitted=request.form if request.method == "POST" else None,
                  action_rows=ACTION_ROWS, conflict=conflict, typed=typed,
                  panel_url=_panel_url(item.panel),
                  earlier=_earlier_decisions(portfolio.id, item.id), redact=redactor(item),
                  deferral_codes={c.code for c in codes if c.outcome == Outcome.DEFERRED.value},
                  status=status)


def _pcf_domains(portfolio: Portfolio):
    return pcf_domains(portfolio)


def _conflict(panel_id: int, item_id: int, details: panels.DecisionDetails, version: str):
    db.session.rollback()
    item = get_item_for_chair_or_404(panel_id, item_id)
    return _render_form(item, status=409, version=version,
                        conflict=panels.latest_decision(item) or True, typed=details)


@bp.route("/record/<int:panel_id>/<int:item_id>", methods=["GET", "POST"])
@signed_in
def record(panel_id: int, item_id: int):
    """The chair records the panel's decision on one portfolio."""
    item = get_item_for_chair_or_404(panel_id, item_id)
    if request.method == "GET":
        decided = panels.latest_decision(item)
        if decided is not None:
            flash("The panel's decision on this portfolio has already been recorded.", "info")
            return redirect_to(url_for("decisions.show", decision_id=decided.id))
        return _render_form(item)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    version = request.form.get("version", "")
    errors: dict[str, str] = {}
    details = _read_details(errors)
    if small_number(version) is None:
        abort(400)
    if item.version != int(version) or item.state != "waiting":
        return _conflict(panel_id, item_id, details, version)
    if errors:
        return _render_form(item, errors=errors, status=400, version=version)
    try:
        decision = panels.record_decision(current_user, item, int(version), details,
                                          today_in_england())
        panels.notify_programme_leads(
            item.panel.organisation_id, "A panel has recorded a decision on a portfolio.",
            url_for("decisions.show", decision_id=decision.id))
        db.session.commit()
    except panels.DecisionConflict:
        return _conflict(panel_id, item_id, details, version)
    except (IntegrityError, StaleDataError):
        # A second submit racing the first: the partial unique index or the version
        # column refused it. One decision stands; this one reports the conflict.
        return _conflict(panel_id, item_id, details, version)
    except panels.PanelError as error:
        db.session.rollback()
        item = get_item_for_chair_or_404(panel_id, item_id)
        return _render_form(item, errors={_field_anchor(error.field): str(error)},
                            status=400, version=version)
    flash("The panel's decision has been recorded.", "success")
    return redirect_to(url_for("decisions.show", decision_id=decision.id))


# Reading a decision ---------------------------------------------------------------------
def _chain(decision: PanelDecision) -> tuple[PanelDecision | None, PanelDecision | None]:
    """(the decision this one corrects, the decision that corrects this one)."""
    corrected_by = db.session.scalar(select(PanelDecision).where(
        PanelDecision.corrects_id == decision.id))
    return decision.corrects, corrected_by


def _level_for(decision: PanelDecision) -> CareerLevelRecord | None:
    return db.session.scalar(select(CareerLevelRecord).where(
        CareerLevelRecord.decision_id == decision.id))


def _review_request(decision: PanelDecision) -> DecisionReviewRequest | None:
    return db.session.scalar(select(DecisionReviewRequest).where(
        DecisionReviewRequest.decision_id == decision.id))


def _can_correct(decision: PanelDecision, corrected_by) -> bool:
    panel = decision.agenda_item.panel
    return (corrected_by is None and panels.can_be_corrected(decision)
            and PortfolioState(decision.agenda_item.portfolio.state) == PortfolioState.DECIDED
            and (current_user.id == panel.chair_id
                 or is_council_lead(current_user, panel.organisation_id, admins=False)))


def redactor(item: AgendaItem):
    """For panel members before the chair reveals identity: names out of free text."""
    if current_user.id == item.portfolio.candidate_id or not panels.is_member(current_user,
                                                                              item.panel):
        return _unchanged
    return anonymiser(item) or _unchanged


def _unchanged(text):
    return text


def _render_decision(decision: PanelDecision, *, errors=None, status=200):
    item = decision.agenda_item
    portfolio = item.portfolio
    is_candidate = portfolio.candidate_id == current_user.id
    member = panels.is_member(current_user, item.panel)
    corrects, corrected_by = _chain(decision)
    review = _review_request(decision)
    closes = panels.review_window_closes(decision)
    return render(
        "panels/decisions/show.html", decision=decision, item=item, portfolio=portfolio,
        errors=errors or {}, is_candidate=is_candidate,
        show_name=item.identity_revealed_at is not None or (not member and not is_candidate),
        corrects=corrects, corrected_by=corrected_by, level=_level_for(decision),
        review=review, review_closes=closes,
        can_request_review=is_candidate and review is None and corrected_by is None
        and today_in_england() <= closes,
        can_download=can_read(current_user, Kind.OUTCOME_LETTER, portfolio.candidate_id)
        and corrected_by is None,
        can_correct=_can_correct(decision, corrected_by),
        is_lead=is_council_lead(current_user, item.panel.organisation_id, admins=False),
        earlier=_earlier_decisions(portfolio.id, item.id), approvals=APPROVALS,
        submitted=request.form if request.method == "POST" else None,
        redact=redactor(item), status=status)


@bp.route("/<int:decision_id>")
@signed_in
def show(decision_id: int):
    """A decision record with its correction chain."""
    return _render_decision(get_decision_or_404(decision_id))


@bp.route("/mine")
@requires_role(Role.CANDIDATE)
def mine():
    """The candidate's own panel decisions, newest first."""
    decisions = db.session.scalars(
        select(PanelDecision).join(Portfolio, Portfolio.id == PanelDecision.portfolio_id)
        .where(Portfolio.candidate_id == current_user.id)
        .order_by(PanelDecision.decided_at.desc(), PanelDecision.id.desc())).all()
    corrected = {d.corrects_id for d in decisions if d.corrects_id}
    return render("panels/decisions/mine.html", decisions=decisions, corrected=corrected)


# The letter -----------------------------------------------------------------------------
def _refuse_fetch(url: str, *args, **kwargs):
    # The letter is self-contained: WeasyPrint must never reach a file or the network.
    raise ValueError(f"the outcome letter does not load external resources ({url[:60]})")


@bp.route("/<int:decision_id>/letter.pdf")
@signed_in
def letter(decision_id: int):
    """The candidate's outcome letter as a PDF download."""
    decision = get_decision_or_404(decision_id, Kind.OUTCOME_LETTER)
    item = decision.agenda_item
    portfolio = item.portfolio
    if _chain(decision)[1] is not None:
        abort(404)  # superseded: only the latest decision has a letter
    import weasyprint  # imported here so the portal starts without WeasyPrint's libraries

    html = render_template(
        "panels/letter.html", decision=decision, portfolio=portfolio,
        council=db.session.get(Organisation, item.panel.organisation_id),
        level=_level_for(decision), approvals=APPROVALS)
    pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
    response = make_response(pdf)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="panel-decision-{decision.id}.pdf"')
    response.headers["Cache-Control"] = "no-store"
    return response


# Review requests ------------------------------------------------------------------------
@bp.route("/<int:decision_id>/review-request", methods=["POST"])
@signed_in
def request_review(decision_id: int):
    """The candidate asks for their decision to be reviewed, with reasons."""
    decision = get_decision_or_404(decision_id)
    if decision.agenda_item.portfolio.candidate_id != current_user.id:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    reasons = request.form.get("reasons", "")
    if len(reasons) > TEXT_MAX:
        return _render_decision(decision, status=400, errors={
            "reasons": f"Your reasons must be {TEXT_MAX} characters or fewer"})
    try:
        review = panels.request_review(current_user, decision, reasons, today_in_england())
        panels.notify_programme_leads(
            decision.agenda_item.panel.organisation_id,
            "A candidate has asked for a review of a panel decision.",
            url_for("decisions.review", request_id=review.id))
        db.session.commit()
    except panels.PanelError as error:
        db.session.rollback()
        return _render_decision(get_decision_or_404(decision_id), status=400,
                                errors={"reasons": str(error)})
    except IntegrityError:
        db.session.rollback()  # a double submit: the first request stands
        return _render_decision(get_decision_or_404(decision_id), status=400, errors={
            "reasons": "You have already asked for a review of this decision"})
    flash("Your request for a review has been sent to the programme lead.", "success")
    return redirect_to(url_for("decisions.show", decision_id=decision.id))


@bp.route("/reviews")
@requires_role(Role.PROGRAMME_LEAD)
def reviews():
    """Review requests for the lead's council, those waiting for an outcome first."""
    requests = db.session.scalars(
        select(DecisionReviewRequest)
        .join(PanelDecision, PanelDecision.id == DecisionReviewRequest.decision_id)
        .join(AgendaItem, AgendaItem.id == PanelDecision.agenda_item_id)
        .join(Panel, Panel.id == AgendaItem.panel_id)
        .where(Panel.organisation_id == current_user.organisation_id)
        .order_by(DecisionReviewRequest.outcome.is_not(None),
                  DecisionReviewRequest.requested_at, DecisionReviewRequest.id)).all()
    return render("panels/decisions/reviews.html", requests=requests)


def _render_review(review, *, errors=None, status=200):
    return render("panels/decisions/review.html", review=review, decision=review.decision,
                  outcomes=REVIEW_OUTCOMES, errors=errors or {},
                  submitted=request.form if request.method == "POST" else None,
                  can_correct=_can_correct(review.decision, _chain(review.decision)[1]),
                  status=status)


@bp.route("/reviews/<int:request_id>", methods=["GET", "POST"])
@requires_role(Role.PROGRAMME_LEAD)
def review(request_id: int):
    """A review request; the programme lead records its outcome."""
    review = get_review_request_or_404(request_id)
    if request.method == "GET":
        return _render_review(review)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    notes = request.form.get("outcome_notes", "")
    if len(notes) > TEXT_MAX:
        return _render_review(review, status=400, errors={
            "outcome_notes": f"The notes must be {TEXT_MAX} characters or fewer"})
    try:
        panels.record_review_outcome(current_user, review, request.form.get("outcome", ""),
                                     notes)
        db.session.commit()
    except panels.PanelError as error:
        db.session.rollback()
        field = "outcome" if error.field == "outcome" else "outcome_notes"
        return _render_review(get_review_request_or_404(request_id), status=400,
                              errors={field: str(error)})
    flash("The outcome of the review has been recorded and the candidate told.", "success")
    return redirect_to(url_for("decisions.review", request_id=review.id))


# Corrections ----------------------------------------------------------------------------
def _render_correction(decision, *, errors=None, status=200):
    portfolio = decision.agenda_item.portfolio
    codes = [c for c in panels.decision_codes(portfolio.programme_id)
             if c.outcome != Outcome.DEFERRED.value]
    return render("panels/decisions/correct.html", decision=decision, item=decision.agenda_item,
                  codes=codes, domains=_pcf_domains(portfolio), errors=errors or {},
                  submitted=request.form if request.method == "POST" else None,
                  action_rows=ACTION_ROWS, status=status)


@bp.route("/<int:decision_id>/correct", methods=["GET", "POST"])
@signed_in
def correct(decision_id: int):
    """The chair or a programme lead corrects a decision with a new, linked record."""
    decision = get_decision_or_404(decision_id)
    panel = decision.agenda_item.panel
    if current_user.id != panel.chair_id and not is_council_lead(
            current_user, panel.organisation_id, admins=False):
        abort(404)
    if request.method == "GET":
        return _render_correction(decision)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    errors: dict[str, str] = {}
    details = _read_details(errors)
    reason = request.form.get("reason", "")
    if len(reason) > TEXT_MAX:
        errors["reason"] = f"The reason must be {TEXT_MAX} characters or fewer"
    if errors:
        return _render_correction(decision, errors=errors, status=400)
    try:
        correction = panels.correct_decision(current_user, decision, details, reason,
                                             today_in_england())
        panels.notify_programme_leads(
            panel.organisation_id, "A panel decision has been corrected.",
            url_for("decisions.show", decision_id=correction.id))
        db.session.commit()
    except panels.PanelError as error:
        db.session.rollback()
        return _render_correction(get_decision_or_404(decision_id), status=400,
                                  errors={_field_anchor(error.field): str(error)})
    flash("The correction has been recorded. The original decision stays on record.",
          "success")
    return redirect_to(url_for("decisions.show", decision_id=correction.id))
