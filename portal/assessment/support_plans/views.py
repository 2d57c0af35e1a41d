"""A support plan's own page: read by the candidate, their assessor and line manager and
the council's programme leads; the assessor records the agreed objectives and closes it."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.assessment.support_plans import operations, queries
from portal.assessment.support_plans.access import get_support_plan_or_404
from portal.assessment.support_plans.forms import AgreeSupportPlanForm
from portal.core.access import requires_role, signed_in
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.portfolios.reviews.access import can_view_report
from portal.portfolios.reviews.models import SupportPlanState
from portal.visibility import Kind, can_edit

bp = Blueprint("support_plans", __name__, url_prefix="/support-plans")
assessors_only = requires_role(Role.ASSESSOR)


def _render_show(plan, form=None, status=200):
    portfolio = plan.portfolio
    can_change = (plan.state != SupportPlanState.CLOSED.value
                  and can_edit(current_user, Kind.SUPPORT_PLAN, portfolio.candidate_id))
    if can_change and form is None:
        form = AgreeSupportPlanForm(data={"objectives": plan.objectives,
                                          "review_on": plan.review_on,
                                          "agreed_on": plan.agreed_on})
    is_candidate = portfolio.candidate_id == current_user.id
    # The candidate came from their home; staff who work with the portfolio go back to it.
    back_url = (url_for("home.index") if is_candidate or current_user.has_role(
        Role.PROGRAMME_LEAD) else url_for("portfolios.show", portfolio_id=portfolio.id))
    return render(
        "assessment/support_plans/show.html", plan=plan, portfolio=portfolio,
        summary=queries.summary(plan.id), is_candidate=is_candidate, back_url=back_url,
        can_read_report=can_view_report(current_user, plan.report, portfolio),
        form=form if can_change else None, status=status)


@bp.route("/<int:plan_id>")
@signed_in
def show(plan_id: int):
    return _render_show(get_support_plan_or_404(plan_id))


def _plan_to_change(plan_id: int):
    """The plan, for the candidate's current assessor (anyone else gets 404); None, with
    a message on the plan's page, once it is closed."""
    plan = get_support_plan_or_404(plan_id)
    if not can_edit(current_user, Kind.SUPPORT_PLAN, plan.portfolio.candidate_id):
        abort(404)
    if plan.state == SupportPlanState.CLOSED.value:
        flash("This support plan is closed and can no longer be changed.", "error")
        return None
    return plan


@bp.route("/<int:plan_id>/agree", methods=["POST"])
@assessors_only
def agree(plan_id: int):
    plan = _plan_to_change(plan_id)
    if plan is None:
        return redirect_to(url_for("support_plans.show", plan_id=plan_id))
    form = AgreeSupportPlanForm()
    if form.validate_on_submit():
        try:
            operations.agree(current_user, plan, objectives=form.objectives.data,
                             agreed_on=form.agreed_on.data, review_on=form.review_on.data,
                             today=today_in_england())
        except operations.SupportPlanError as error:
            db.session.rollback()
            field = getattr(form, error.field or "objectives")
            field.errors = [*field.errors, str(error)]
            plan = get_support_plan_or_404(plan_id)
        else:
            db.session.commit()
            flash("The agreed support plan has been recorded.", "success")
            return redirect_to(url_for("support_plans.show", plan_id=plan.id))
    return _render_show(plan, form, status=400)


@bp.route("/<int:plan_id>/close", methods=["GET", "POST"])
@assessors_only
def close(plan_id: int):
    """Ask first (closing cannot be undone), then close on the confirming POST."""
    plan = _plan_to_change(plan_id)
    if plan is None:
        return redirect_to(url_for("support_plans.show", plan_id=plan_id))
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.close(current_user, plan, today_in_england())
        db.session.commit()
        flash("The support plan has been closed.", "success")
        return redirect_to(url_for("support_plans.show", plan_id=plan.id))
    return render("assessment/support_plans/close.html", plan=plan, form=form)
