"""The candidate's structured portfolio records: support agreement, development plans,
supervision, protected time and KSS self-assessments. Thin views: load, validate, call
`records`, commit, redirect.

The candidate changes them; whoever else the visibility table lets read a kind (their
assessors, their line manager for supervision, protected time and the agreement, the
council's programme leads) opens the same pages without anything to change, and a
previous assessor sees only the records dated before their reassignment.
"""

from flask import abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import AgreementState, DevelopmentPlan
from portal.portfolios.records import operations as records
from portal.portfolios.records import queries as record_queries

# The supervision and protected-time pages, on the same blueprint.
from portal.portfolios.records import session_views  # noqa: F401
from portal.portfolios.records.agreeing import can_review_plans
from portal.portfolios.records.forms import (
    DevelopmentPlanForm,
    ReviewPlanForm,
    SupportAgreementForm,
    kss_form_class,
)
from portal.portfolios.records.view_helpers import (
    bp,
    candidates_only,
    index_url,
    on_get,
    portfolio_url,
    refused,
    stage_or_404,
    status_of,
    to_change,
)
from portal.visibility import Kind

AGREEMENT, PLANS, KSS = Kind.AGREEMENT, Kind.DEVELOPMENT_PLAN, Kind.KSS_SELF_ASSESSMENT

@bp.route("/<int:portfolio_id>/records")
@signed_in
def index(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id)
    return render("portfolios/records/index.html", portfolio=portfolio,
                  overview=record_queries.overview(portfolio, seen_by),
                  portfolio_url=portfolio_url(portfolio),
                  reads={kind.value for kind in Kind if seen_by.can_read(kind)},
                  hours_and_minutes=record_queries.hours_and_minutes)


# Support and assessment agreement ------------------------------------------------------
@bp.route("/<int:portfolio_id>/records/agreement", methods=["GET", "POST"])
@signed_in
def agreement(portfolio_id: int):
    """The candidate's form; everyone else the table lets read it sees it read-only."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, AGREEMENT,
                                               for_edit=request.method == "POST")
    existing = record_queries.support_agreement_of(portfolio)
    if not seen_by.can_edit(AGREEMENT):
        shown = existing if existing and seen_by.can_read(AGREEMENT, existing.agreed_on) else None
        return render("portfolios/records/agreement_read.html", portfolio=portfolio,
                      agreement=shown)
    form = SupportAgreementForm(obj=on_get(existing))
    was_signed = existing is not None and existing.signing_state != AgreementState.NOT_SIGNED
    if form.validate_on_submit():
        try:
            saved = records.save_support_agreement(current_user, portfolio,
                                                   records.AgreementDetails(
                agreed_on=form.agreed_on.data,
                supervision_arrangements=form.supervision_arrangements.data,
                workload_reduction=form.workload_reduction.data,
                protected_time=form.protected_time.data,
                development_priorities=form.development_priorities.data,
            ))
            form.created(index_url(portfolio))
            db.session.commit()
        except records.RecordError as error:
            refused(form, error)
        else:
            if was_signed and saved.signing_state == AgreementState.NOT_SIGNED:
                flash("Your agreement has been saved. It has changed, so you, your assessor "
                      "and your line manager need to sign it again.", "success")
                return redirect_to(url_for("agreeing.agreement", portfolio_id=portfolio.id))
            flash("Your support and assessment agreement has been saved.", "success")
            return redirect_to(index_url(portfolio))
    return render("portfolios/records/agreement.html", portfolio=portfolio, form=form,
                  existing=existing, status=status_of(form))


# Professional development plans ---------------------------------------------------------
@bp.route("/<int:portfolio_id>/records/development-plans")
@signed_in
def development_plans(portfolio_id: int):
    """The candidate's plans; their assessor reads them here and marks them reviewed."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, PLANS)
    plans = {plan.stage_code: plan for plan in db.session.scalars(
        record_queries.made_before(select(DevelopmentPlan)
                                   .where(DevelopmentPlan.portfolio_id == portfolio.id)
                                   .options(selectinload(DevelopmentPlan.reviewed_by)),
                                   DevelopmentPlan, seen_by.made_before(PLANS)))}
    may_review = can_review_plans(current_user, portfolio)
    return render("portfolios/records/development_plans.html", portfolio=portfolio,
                  stages=record_queries.programme_stages(portfolio), plans=plans,
                  can_edit=seen_by.can_edit(PLANS),
                  is_candidate=current_user.id == portfolio.candidate_id,
                  review_form=ReviewPlanForm() if may_review else None)


@bp.route("/<int:portfolio_id>/records/development-plans/<stage_code>",
          methods=["GET", "POST"])
@candidates_only
def development_plan(portfolio_id: int, stage_code: str):
    portfolio = to_change(portfolio_id, PLANS)
    stage = stage_or_404(record_queries.programme_stages(portfolio), stage_code)
    existing = record_queries.development_plan_for(portfolio, stage.code)
    form = DevelopmentPlanForm(obj=on_get(existing))
    if form.validate_on_submit():
        try:
            records.save_development_plan(current_user, portfolio, stage.code,
                                          records.PlanDetails(
                                              agreed_on=form.agreed_on.data,
                                              goals=form.goals.data,
                                              actions=form.actions.data,
                                              review_on=form.review_on.data))
            form.created(url_for("records.development_plans", portfolio_id=portfolio.id))
            db.session.commit()
        except records.RecordError as error:
            refused(form, error)
        else:
            flash(f"Your development plan for ‘{stage.title}’ has been saved.", "success")
            return redirect_to(url_for("records.development_plans", portfolio_id=portfolio.id))
    return render("portfolios/records/development_plan_form.html", portfolio=portfolio,
                  stage=stage, form=form, existing=existing, status=status_of(form))


# KSS self-assessment ---------------------------------------------------------------------
@bp.route("/<int:portfolio_id>/records/kss")
@signed_in
def kss(portfolio_id: int):
    """Each stage's self-assessment, and every rating side by side so progress shows."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, KSS)
    framework = record_queries.kss_framework(portfolio)
    stages = record_queries.kss_stages(portfolio)
    completed = {}
    progress = None
    if framework is not None:
        completed = {stage.code: _readable_kss(portfolio, seen_by, stage.code)
                     for stage in stages}
        progress = record_queries.kss_progress(portfolio, framework, stages)
    return render("portfolios/records/kss_list.html", portfolio=portfolio, framework=framework,
                  stages=stages, progress=progress, ratings=records.RATINGS,
                  completed=completed, can_edit=seen_by.can_edit(KSS),
                  is_candidate=current_user.id == portfolio.candidate_id)


def _readable_kss(portfolio, seen_by, stage_code: str):
    assessment = record_queries.kss_self_assessment_for(portfolio, stage_code)
    if assessment is None or not seen_by.can_read(KSS, assessment.completed_on):
        return None
    return assessment


@bp.route("/<int:portfolio_id>/records/kss/<stage_code>", methods=["GET", "POST"])
@signed_in
def kss_self_assessment(portfolio_id: int, stage_code: str):
    """The candidate's form; everyone else the table lets read it sees the ratings."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, KSS,
                                               for_edit=request.method == "POST")
    framework = record_queries.kss_framework(portfolio)
    if framework is None:
        abort(404)
    stage = stage_or_404(record_queries.kss_stages(portfolio), stage_code)
    statements = record_queries.kss_statements(framework)
    if not seen_by.can_edit(KSS):
        return render("portfolios/records/kss_read.html", portfolio=portfolio,
                      framework=framework, stage=stage, statements=statements,
                      assessment=_readable_kss(portfolio, seen_by, stage.code),
                      ratings=records.RATINGS)
    existing = record_queries.kss_self_assessment_for(portfolio, stage.code)
    form = kss_form_class(statements)()
    if existing is not None and not form.is_submitted():
        form.show_existing(existing)
    if form.validate_on_submit():
        try:
            records.save_kss_self_assessment(current_user, portfolio, stage.code,
                                             form.completed_on.data, form.ratings())
            form.created(url_for("records.kss", portfolio_id=portfolio.id))
            db.session.commit()
        except records.RecordError as error:
            refused(form, error)
        else:
            flash(f"Your KSS self-assessment for ‘{stage.title}’ has been saved.", "success")
            return redirect_to(url_for("records.kss", portfolio_id=portfolio.id))
    return render("portfolios/records/kss_form.html", portfolio=portfolio, form=form,
                  framework=framework, stage=stage, existing=existing, status=status_of(form))
