"""A portfolio's audit timeline, for the council's programme leads and administrators:
every recorded step of the portfolio, its assessment and its panels."""

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import and_, or_, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.access import signed_in
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.htmx import render
from portal.panels.models import AgendaItem, DecisionReviewRequest, PanelDecision
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport, SupportPlan

bp = Blueprint("timeline", __name__, url_prefix="/panels/timeline")

ACTION_LABELS = {
    "portfolio_created": "Portfolio started",
    "portfolio_schedule_changed": "Review dates changed",
    "portfolio_entry_added": "Evidence added to the portfolio",
    "portfolio_entry_moved": "Evidence moved to another section",
    "portfolio_entry_removed": "Evidence taken out of the portfolio",
    "portfolio_submit_for_review": "Submitted for a review point",
    "portfolio_submit_for_panel": "Submitted for the panel",
    "portfolio_withdrawn": "Submission withdrawn",
    "portfolio_assessment_started": "Assessment started",
    "portfolio_returned": "Returned to the candidate",
    "portfolio_review_completed": "Review point assessment completed",
    "portfolio_placed_on_panel": "Portfolio went to panel",
    "portfolio_taken_off_panel": "Portfolio taken off a panel's agenda",
    "portfolio_deferred": "Deferred by the panel",
    "portfolio_decided": "Panel decision applied to the portfolio",
    "review_point_completed": "Review point completed",
    "review_report_started": "Assessor's report started",
    "review_report_saved": "Assessor's report saved",
    "review_report_signed_off": "Assessor's report signed off",
    "submission_returned": "Submission returned with requests",
    "support_confirmed": "Line manager confirmed the support given",
    "report_response_added": "Candidate responded to a report",
    "support_plan_opened": "Support plan opened",
    "agenda_item_added": "Placed on a panel agenda",
    "agenda_item_removed": "Taken off a panel agenda, with a reason",
    "provisional_view_recorded": "Panel member recorded notes and a provisional view",
    "identity_revealed": "Chair revealed the candidate's identity to the panel",
    "panel_decision_recorded": "Panel decision recorded",
    "panel_decision_corrected": "Panel decision corrected",
    "decision_review_requested": "Candidate asked for a review of the decision",
    "decision_review_decided": "Outcome of the review recorded",
}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action) or action.replace("_", " ").capitalize()


def timeline_events(portfolio: Portfolio):
    """(event, actor name) for the portfolio and everything that hangs off it, newest
    first, in a fixed number of queries whatever the history's length."""
    def ids(column, *where):
        return db.session.scalars(select(column).where(*where)).all()

    decision_ids = ids(PanelDecision.id, PanelDecision.portfolio_id == portfolio.id)
    related = {
        "portfolio": [portfolio.id],
        "agenda_item": ids(AgendaItem.id, AgendaItem.portfolio_id == portfolio.id),
        "panel_decision": decision_ids,
        "review_report": ids(ReviewReport.id, ReviewReport.portfolio_id == portfolio.id),
        "support_plan": ids(SupportPlan.id, SupportPlan.portfolio_id == portfolio.id),
        "decision_review_request": ids(DecisionReviewRequest.id,
                                       DecisionReviewRequest.decision_id.in_(decision_ids))
        if decision_ids else [],
    }
    matches = or_(*(and_(AuditEvent.object_type == kind, AuditEvent.object_id.in_(object_ids))
                    for kind, object_ids in related.items() if object_ids))
    return db.session.execute(
        select(AuditEvent, User.name).outerjoin(User, User.id == AuditEvent.actor_id)
        .where(matches).order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())).all()


@bp.route("/<int:portfolio_id>")
@signed_in
def show(portfolio_id: int):
    """Programme leads and administrators only (404 for everyone else, so the page does not
    confirm that the portfolio exists)."""
    if not current_user.has_any_role(Role.PROGRAMME_LEAD, Role.ADMINISTRATOR):
        abort(404)
    portfolio = db.session.get(Portfolio, portfolio_id)
    if portfolio is None or portfolio.organisation_id != current_user.organisation_id:
        abort(404)
    return render("panels/timeline.html", portfolio=portfolio,
                  events=timeline_events(portfolio), action_label=action_label)
