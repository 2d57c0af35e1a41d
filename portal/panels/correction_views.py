"""Putting a decision right: the chair or a programme lead records a correction (a new
record linked to the decision it corrects), and programme leads decide candidates'
requests for a review."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.panels import corrections
from portal.panels.access import get_decision_or_404, get_review_request_or_404, is_council_lead
from portal.panels.decision_views import can_correct, chain, decision_form
from portal.panels.errors import PanelError
from portal.panels.forms import REVIEW_OUTCOMES, CorrectionForm, ReviewOutcomeForm
from portal.panels.models import AgendaItem, DecisionReviewRequest, Panel, PanelDecision
from portal.panels.operations import notify_programme_leads

bp = Blueprint("corrections", __name__, url_prefix="/decisions")


# Corrections ----------------------------------------------------------------------------
def _correction_form(decision: PanelDecision) -> CorrectionForm:
    """The correction form, filled in with the decision being corrected on first sight."""
    actions = {f"action_{number}": {"description": a.description, "owner": a.owner,
                                    "due_on": a.due_on}
               for number, a in enumerate(decision.actions[:3], start=1)}
    return decision_form(decision.agenda_item.portfolio, CorrectionForm, deferral=False, data={
        "code": decision.decision_code, "rationale": decision.rationale,
        "domain_ids": [str(d.element_id) for d in decision.domains], **actions})


@bp.route("/<int:decision_id>/correct", methods=["GET", "POST"])
@signed_in
def correct(decision_id: int):
    """The chair or a programme lead corrects a decision with a new, linked record."""
    decision = get_decision_or_404(decision_id)
    panel = decision.agenda_item.panel
    if current_user.id != panel.chair_id and not is_council_lead(
            current_user, panel.organisation_id, admins=False):
        abort(404)
    form = _correction_form(decision)
    if form.validate_on_submit():
        try:
            correction = corrections.correct_decision(
                current_user, decision, form.details(), form.reason.data, today_in_england())
            notify_programme_leads(
                panel.organisation_id, "A panel decision has been corrected.",
                url_for("decisions.show", decision_id=correction.id))
            db.session.commit()
        except PanelError as error:
            db.session.rollback()
            decision = get_decision_or_404(decision_id)
            form.add_workflow_error(error.field, str(error))
        else:
            flash("The correction has been recorded. The original decision stays on record.",
                  "success")
            return redirect_to(url_for("decisions.show", decision_id=correction.id))
    return render("panels/decisions/correct.html", decision=decision,
                  item=decision.agenda_item, form=form, status=400 if form.errors else 200)


# Review requests ------------------------------------------------------------------------
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


@bp.route("/reviews/<int:request_id>", methods=["GET", "POST"])
@requires_role(Role.PROGRAMME_LEAD)
def review(request_id: int):
    """A review request; the programme lead records its outcome."""
    review = get_review_request_or_404(request_id)
    form = ReviewOutcomeForm()
    if form.validate_on_submit():
        try:
            corrections.record_review_outcome(current_user, review, form.outcome.data,
                                              form.outcome_notes.data or "")
            db.session.commit()
        except PanelError as error:
            db.session.rollback()
            review = get_review_request_or_404(request_id)
            field = form.outcome if error.field == "outcome" else form.outcome_notes
            field.errors = [*field.errors, str(error)]
        else:
            flash("The outcome of the review has been recorded and the candidate told.",
                  "success")
            return redirect_to(url_for("corrections.review", request_id=review.id))
    return render("panels/decisions/review.html", review=review, decision=review.decision,
                  outcomes=REVIEW_OUTCOMES, form=form,
                  can_correct=can_correct(review.decision, chain(review.decision)[1]),
                  status=400 if form.errors else 200)
