"""Putting a recorded decision right, and the candidate's request for a review.

A confirmed decision is never edited: a correction is a new record linked to the one it
corrects, with a reason. A candidate may ask, once and within REVIEW_WINDOW_DAYS, for the
decision to be reviewed; a programme lead records the outcome (and, if the decision is to
change, records a correction).
"""

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core import audit
from portal.core.db import db, utcnow
from portal.notifications.operations import notify
from portal.panels.decisions import (
    DecisionDetails,
    apply_outcome,
    decision_row,
    tell_everyone,
    validate_decision,
)
from portal.panels.errors import PanelError
from portal.panels.models import (
    CareerLevelRecord,
    DecisionReviewRequest,
    PanelDecision,
)
from portal.portfolios.models import PortfolioState
from portal.programmes.models import Outcome


def correct_decision(actor: User, decision: PanelDecision, details: DecisionDetails,
                     reason: str, today: date) -> PanelDecision:
    """A confirmed decision is never edited: the correction is a new linked record."""
    item = decision.agenda_item
    panel = item.panel
    if actor.id != panel.chair_id and not (actor.has_role(Role.PROGRAMME_LEAD) and
                                           actor.organisation_id == panel.organisation_id):
        raise PanelError("Only the panel chair or a programme lead can correct a decision")
    if not can_be_corrected(decision):
        raise PanelError("Only the portfolio's latest decision can be corrected, and a "
                         "deferral is superseded by the later panel's decision")
    if not reason.strip():
        raise PanelError("Explain why the decision is being corrected", "reason")
    portfolio = item.portfolio
    if PortfolioState(portfolio.state) != PortfolioState.DECIDED:
        raise PanelError("Only a decided portfolio's decision can be corrected")
    code = validate_decision(portfolio, details, today)
    if code.outcome == Outcome.DEFERRED.value:
        raise PanelError("A decision cannot be corrected to a deferral; record it at a panel",
                         "code")
    correction = decision_row(actor, item, code, details, corrects=decision,
                              reason=reason.strip())
    db.session.flush()
    _withdraw_levels(decision)
    apply_outcome(correction, portfolio, today)
    audit.record(actor, "panel_decision_corrected", correction,
                 organisation_id=panel.organisation_id, corrects=decision.id,
                 outcome=code.outcome)
    tell_everyone(correction, portfolio, "A panel decision on your portfolio was corrected.")
    return correction


def can_be_corrected(decision: PanelDecision) -> bool:
    """Only the latest decision on the whole portfolio, and never a deferral (the later
    panel's decision supersedes it)."""
    latest = db.session.scalar(select(PanelDecision.id).where(
        PanelDecision.portfolio_id == decision.portfolio_id).order_by(PanelDecision.id.desc()))
    return latest == decision.id and decision.outcome != Outcome.DEFERRED.value


def _withdraw_levels(decision: PanelDecision) -> None:
    current = select(CareerLevelRecord).where(CareerLevelRecord.decision_id == decision.id,
                                              CareerLevelRecord.withdrawn_at.is_(None))
    for record in db.session.scalars(current):
        record.withdrawn_at = utcnow()
    db.session.flush()


# Review requests --------------------------------------------------------------------------
def review_window_closes(decision: PanelDecision) -> date:
    return decision.decided_at.date() + timedelta(days=current_app.config["REVIEW_WINDOW_DAYS"])


def request_review(candidate: User, decision: PanelDecision, reasons: str,
                   today: date) -> DecisionReviewRequest:
    if decision.agenda_item.portfolio.candidate_id != candidate.id:
        raise PanelError("Only the candidate can ask for a review of their decision")
    if today > review_window_closes(decision):
        raise PanelError("The time to ask for a review of this decision has passed")
    if db.session.scalar(select(func.count(DecisionReviewRequest.id)).where(
            DecisionReviewRequest.decision_id == decision.id)):
        raise PanelError("You have already asked for a review of this decision")
    if not reasons.strip():
        raise PanelError("Explain why you are asking for a review", "reasons")
    request = DecisionReviewRequest(decision_id=decision.id, candidate_id=candidate.id,
                                    reasons=reasons.strip()[:10000])
    db.session.add(request)
    db.session.flush()
    audit.record(candidate, "decision_review_requested", request,
                 organisation_id=decision.agenda_item.panel.organisation_id,
                 decision_id=decision.id)
    return request


def record_review_outcome(lead: User, request: DecisionReviewRequest, outcome: str,
                          notes: str) -> None:
    panel = request.decision.agenda_item.panel
    if not lead.has_role(Role.PROGRAMME_LEAD) or lead.organisation_id != panel.organisation_id:
        raise PanelError("Only a programme lead can record the outcome of a review")
    if request.outcome is not None:
        raise PanelError("The outcome of this review has already been recorded")
    if outcome not in {"upheld", "changed"}:
        raise PanelError("Choose the outcome of the review", "outcome")
    request.outcome, request.outcome_notes = outcome, notes.strip()[:10000]
    request.decided_by_id, request.decided_at = lead.id, utcnow()
    db.session.flush()
    audit.record(lead, "decision_review_decided", request, organisation_id=panel.organisation_id,
                 outcome=outcome)
    notify(request.candidate_id, "The review of your panel decision has been decided.",
           f"/decisions/{request.decision_id}")
