"""Changes to support plans. A plan opens automatically (a review found the candidate not
on track: `assessment.reports`; a panel deferred its decision: `open_after_deferral`),
then the candidate's assessor records the objectives agreed with them, and closes it.
Each change checks who acts, flushes and writes an audit row; views commit."""

from datetime import date

from sqlalchemy import select

from portal.accounts.models import User
from portal.assignments.access import assesses
from portal.core import audit
from portal.core.db import db
from portal.notifications.operations import notify
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import SupportPlan, SupportPlanState

OBJECTIVES_MAX = 10000


class SupportPlanError(ValueError):
    """A change that cannot be made, with a message fit to show and the field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def open_after_deferral(portfolio: Portfolio, *, report_id: int, decision_id: int,
                        concerns: str, review_on: date, today: date) -> SupportPlan | None:
    """Open a plan for a candidate whose portfolio the panel deferred. `report_id` is the
    final report the panel read. If that report already opened a plan (its review found
    the candidate not on track), that plan carries on and no second one opens."""
    if db.session.scalar(select(SupportPlan.id).where(SupportPlan.report_id == report_id)):
        return None
    plan = SupportPlan(portfolio_id=portfolio.id, report_id=report_id, decision_id=decision_id,
                       state=SupportPlanState.OPEN.value, opened_on=today,
                       review_on=max(review_on, today), concerns=concerns)
    db.session.add(plan)
    db.session.flush()
    audit.record(None, "support_plan_opened", plan, organisation_id=portfolio.organisation_id,
                 decision_id=decision_id, report_id=report_id)
    return plan


def _require_current_assessor(actor: User, plan: SupportPlan) -> None:
    if not assesses(actor, plan.portfolio.candidate_id):
        raise SupportPlanError("Only the candidate's current assessor can change their "
                               "support plan")
    if plan.state == SupportPlanState.CLOSED.value:
        raise SupportPlanError("This support plan is closed and can no longer be changed")


def agree(actor: User, plan: SupportPlan, *, objectives: str, agreed_on: date,
          review_on: date, today: date) -> None:
    """The assessor records the objectives agreed with the candidate, the day they were
    agreed and when the plan will next be reviewed. Recording it again replaces them."""
    _require_current_assessor(actor, plan)
    objectives = objectives.strip()
    if not objectives:
        raise SupportPlanError("Enter the objectives agreed with the candidate", "objectives")
    if len(objectives) > OBJECTIVES_MAX:
        raise SupportPlanError(f"The objectives must be {OBJECTIVES_MAX:,} characters or "
                               "fewer", "objectives")
    if agreed_on > today or agreed_on < plan.opened_on:
        raise SupportPlanError("The plan must have been agreed between the day it opened "
                               "and today", "agreed_on")
    if review_on < agreed_on:
        raise SupportPlanError("The review date must be on or after the day the plan was "
                               "agreed", "review_on")
    plan.objectives, plan.agreed_on, plan.review_on = objectives, agreed_on, review_on
    plan.agreed_by_id = actor.id
    plan.state = SupportPlanState.AGREED.value
    _recorded(actor, plan, "support_plan_agreed",
              "Your support plan's objectives have been recorded.")


def close(actor: User, plan: SupportPlan, today: date) -> None:
    """The plan is no longer needed: it leaves the candidate's home and the cohort list."""
    _require_current_assessor(actor, plan)
    plan.state, plan.closed_on = SupportPlanState.CLOSED.value, today
    _recorded(actor, plan, "support_plan_closed", "Your support plan has been closed.")


def _recorded(actor: User, plan: SupportPlan, action: str, message: str) -> None:
    """Flush the change, audit it and tell the candidate."""
    db.session.flush()
    portfolio = plan.portfolio
    audit.record(actor, action, plan, organisation_id=portfolio.organisation_id,
                 portfolio_id=portfolio.id)
    notify(portfolio.candidate_id, message, f"/support-plans/{plan.id}")
