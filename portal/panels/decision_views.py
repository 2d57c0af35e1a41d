"""Panel decisions: the chair records them, people with a stake read them, candidates
download their letter and ask for a review.

Who may see what is decided in the loaders (404 for anyone else, so that a decision's
existence is not given away); the domain rules live in `decisions` and `attendance`.
"""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.roles import Role
from portal.assessment.reports.operations import pcf_domains
from portal.core.access import requires_role, signed_in
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.urls import small_number
from portal.panels import agenda, attendance, corrections, decisions, letters
from portal.panels.access import get_decision_or_404, get_item_for_chair_or_404, is_council_lead
from portal.panels.anonymity import anonymiser
from portal.panels.errors import DecisionConflict, PanelError
from portal.panels.forms import OUTCOME_LABELS, DecisionForm, ReviewRequestForm
from portal.panels.letter_views import may_have_letter
from portal.panels.letters import APPROVALS
from portal.panels.models import (
    AgendaItem,
    DecisionReviewRequest,
    PanelDecision,
)
from portal.panels.operations import notify_programme_leads
from portal.portfolios.models import Portfolio, PortfolioState
from portal.programmes.models import Outcome

bp = Blueprint("decisions", __name__, url_prefix="/decisions")


def earlier_decisions(portfolio_id: int, item_id: int) -> list[PanelDecision]:
    """Decisions from earlier panels on the same portfolio (a deferral's history)."""
    return db.session.scalars(select(PanelDecision).where(
        PanelDecision.portfolio_id == portfolio_id, PanelDecision.agenda_item_id != item_id)
        .order_by(PanelDecision.decided_at, PanelDecision.id)).all()


def redactor(item: AgendaItem):
    """For panel members before the chair reveals identity: names out of free text."""
    if current_user.id == item.portfolio.candidate_id or not item.panel.has_member(
            current_user.id):
        return _unchanged
    return anonymiser(item) or _unchanged


def _unchanged(text):
    return text


# Recording a decision -------------------------------------------------------------------
def decision_form(portfolio: Portfolio, form_class=DecisionForm, *, deferral: bool = True,
                  **kwargs) -> DecisionForm:
    """The decision form with the programme's decision codes (without the deferral, which
    only a panel can decide, for a correction) and the portfolio's PCF domains."""
    codes = [c for c in decisions.decision_codes(portfolio.programme_id)
             if deferral or c.outcome != Outcome.DEFERRED.value]
    return form_class(codes=codes, domains=pcf_domains(portfolio), **kwargs)


def _not_ready(item: AgendaItem) -> str | None:
    """Why the chair cannot record a decision on the item yet, if they cannot."""
    try:
        attendance.check_ready_to_decide(current_user, item, today_in_england())
    except PanelError as error:
        return str(error)
    return None


def _render_form(item: AgendaItem, form: DecisionForm, *, status=200, conflict=None,
                 typed=None):
    portfolio = item.portfolio
    codes = decisions.decision_codes(portfolio.programme_id)
    return render("panels/decisions/record.html", item=item, portfolio=portfolio, form=form,
                  codes=codes, domains=pcf_domains(portfolio), conflict=conflict, typed=typed,
                  not_ready=_not_ready(item), views=agenda.provisional_views(item),
                  quorum=attendance.item_quorum(item), outcome_labels=OUTCOME_LABELS,
                  today=today_in_england(),
                  earlier=earlier_decisions(portfolio.id, item.id), redact=redactor(item),
                  deferral_codes={c.code for c in codes if c.outcome == Outcome.DEFERRED.value},
                  status=status)


def _conflict(panel_id: int, item_id: int, form: DecisionForm):
    details = form.details()
    db.session.rollback()
    item = get_item_for_chair_or_404(panel_id, item_id)
    return _render_form(item, form, status=409,
                        conflict=decisions.latest_decision(item) or True, typed=details)


@bp.route("/record/<int:panel_id>/<int:item_id>", methods=["GET", "POST"])
@signed_in
def record(panel_id: int, item_id: int):
    """The chair records the panel's decision on one portfolio."""
    item = get_item_for_chair_or_404(panel_id, item_id)
    form = decision_form(item.portfolio)
    if request.method == "GET":
        decided = decisions.latest_decision(item)
        if decided is not None:
            flash("The panel's decision on this portfolio has already been recorded.", "info")
            return redirect_to(url_for("decisions.show", decision_id=decided.id))
        form.version.data = str(item.version)
        return _render_form(item, form)
    version = small_number(form.version.data)
    if version is None:
        abort(400)
    valid = form.validate_on_submit()
    if item.version != version or item.state != "waiting":
        return _conflict(panel_id, item_id, form)
    if not valid:
        return _render_form(item, form, status=400)
    try:
        decision = decisions.record_decision(current_user, item, version, form.details(),
                                             today_in_england())
        notify_programme_leads(
            item.panel.organisation_id, "A panel has recorded a decision on a portfolio.",
            url_for("decisions.show", decision_id=decision.id))
        form.created(url_for("decisions.show", decision_id=decision.id))
        db.session.commit()
    except (DecisionConflict, IntegrityError, StaleDataError):
        # A second submit racing the first: the partial unique index or the version
        # column refused it. One decision stands; this one reports the conflict.
        return _conflict(panel_id, item_id, form)
    except PanelError as error:
        db.session.rollback()
        form.add_workflow_error(error.field, str(error))
        return _render_form(get_item_for_chair_or_404(panel_id, item_id), form, status=400)
    flash("The panel's decision has been recorded.", "success")
    return redirect_to(url_for("decisions.show", decision_id=decision.id))


# Reading a decision ---------------------------------------------------------------------
def chain(decision: PanelDecision) -> tuple[PanelDecision | None, PanelDecision | None]:
    """(the decision this one corrects, the decision that corrects this one)."""
    corrected_by = db.session.scalar(select(PanelDecision).where(
        PanelDecision.corrects_id == decision.id))
    return decision.corrects, corrected_by


def _review_request(decision: PanelDecision) -> DecisionReviewRequest | None:
    return db.session.scalar(select(DecisionReviewRequest).where(
        DecisionReviewRequest.decision_id == decision.id))


def can_correct(decision: PanelDecision, corrected_by) -> bool:
    panel = decision.agenda_item.panel
    return (corrected_by is None and corrections.can_be_corrected(decision)
            and PortfolioState(decision.agenda_item.portfolio.state) == PortfolioState.DECIDED
            and (current_user.id == panel.chair_id
                 or is_council_lead(current_user, panel.organisation_id, admins=False)))


def _render_decision(decision: PanelDecision, form: ReviewRequestForm | None = None,
                     status=200):
    item = decision.agenda_item
    portfolio = item.portfolio
    is_candidate = portfolio.candidate_id == current_user.id
    member = item.panel.has_member(current_user.id)
    corrects, corrected_by = chain(decision)
    review = _review_request(decision)
    closes = corrections.review_window_closes(decision)
    return render(
        "panels/decisions/show.html", decision=decision, item=item, portfolio=portfolio,
        form=form or ReviewRequestForm(formdata=None), is_candidate=is_candidate,
        show_name=item.identity_revealed_at is not None or (not member and not is_candidate),
        corrects=corrects, corrected_by=corrected_by, level=letters.level_for(decision),
        review=review, review_closes=closes,
        can_request_review=is_candidate and review is None and corrected_by is None
        and today_in_england() <= closes,
        can_download=may_have_letter(decision), letter=letters.letter_for(decision),
        can_correct=can_correct(decision, corrected_by),
        is_lead=is_council_lead(current_user, item.panel.organisation_id, admins=False),
        earlier=earlier_decisions(portfolio.id, item.id), approvals=APPROVALS,
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
    found = db.session.scalars(
        select(PanelDecision).join(Portfolio, Portfolio.id == PanelDecision.portfolio_id)
        .where(Portfolio.candidate_id == current_user.id)
        .order_by(PanelDecision.decided_at.desc(), PanelDecision.id.desc())).all()
    corrected = {d.corrects_id for d in found if d.corrects_id}
    return render("panels/decisions/mine.html", decisions=found, corrected=corrected)


# Asking for a review --------------------------------------------------------------------
@bp.route("/<int:decision_id>/review-request", methods=["POST"])
@signed_in
def request_review(decision_id: int):
    """The candidate asks for their decision to be reviewed, with reasons."""
    decision = get_decision_or_404(decision_id)
    if decision.agenda_item.portfolio.candidate_id != current_user.id:
        abort(404)
    form = ReviewRequestForm()
    if not form.validate_on_submit():
        return _render_decision(decision, form, status=400)
    try:
        review = corrections.request_review(current_user, decision, form.reasons.data,
                                            today_in_england())
        notify_programme_leads(
            decision.agenda_item.panel.organisation_id,
            "A candidate has asked for a review of a panel decision.",
            url_for("corrections.review", request_id=review.id))
        form.created(url_for("decisions.show", decision_id=decision.id))
        db.session.commit()
    except PanelError as error:
        db.session.rollback()
        form.reasons.errors = [*form.reasons.errors, str(error)]
        return _render_decision(get_decision_or_404(decision_id), form, status=400)
    except IntegrityError:
        db.session.rollback()  # a double submit: the first request stands
        form.reasons.errors = [*form.reasons.errors,
                               "You have already asked for a review of this decision"]
        return _render_decision(get_decision_or_404(decision_id), form, status=400)
    flash("Your request for a review has been sent to the programme lead.", "success")
    return redirect_to(url_for("decisions.show", decision_id=decision.id))
