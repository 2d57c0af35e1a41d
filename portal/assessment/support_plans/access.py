"""Who may read a support plan: the visibility table's support-plan row (the candidate,
their current assessor and line manager, and the programme leads of the candidate's
council). Anyone else gets 404, so the page never reveals that a plan exists."""

from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.db import db
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import SupportPlan
from portal.visibility import Kind, can_read


def can_read_support_plan(user: User, portfolio: Portfolio) -> bool:
    """A previous assessor no longer reads it: the plan is about support now."""
    return can_read(user, Kind.SUPPORT_PLAN, portfolio.candidate_id)


def get_support_plan_or_404(plan_id: int) -> SupportPlan:
    """The plan with its portfolio, candidate and whoever recorded the agreement."""
    plan = db.session.get(SupportPlan, plan_id, options=[
        joinedload(SupportPlan.portfolio).joinedload(Portfolio.candidate),
        joinedload(SupportPlan.agreed_by)])
    if plan is None or not can_read_support_plan(current_user, plan.portfolio):
        abort(404)
    return plan
