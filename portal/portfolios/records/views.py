"""The candidate's structured portfolio records: support agreement, development plans,
supervision, protected time and KSS self-assessments. Thin views: load, validate, call
`records`, commit, redirect.

The candidate changes them; whoever else the visibility table lets read a kind (their
assessors, their line manager for supervision, protected time and the agreement, the
council's programme leads) opens the same pages without anything to change, and a
previous assessor sees only the records dated before their reassignment.
"""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.template_helpers import uk_date
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import (
    AgreementState,
    DevelopmentPlan,
    ProtectedTimeRecord,
    SupervisionRecord,
)
from portal.portfolios.records import operations as records
from portal.portfolios.records import queries as record_queries
from portal.portfolios.records.agreeing import can_review_plans
from portal.portfolios.records.forms import (
    DeleteRecordForm,
    DevelopmentPlanForm,
    NewProtectedTimeForm,
    NewSupervisionForm,
    ProtectedTimeForm,
    ReviewPlanForm,
    SupervisionForm,
    SupportAgreementForm,
    kss_form_class,
)
from portal.visibility import Kind

AGREEMENT, PLANS, SUPERVISION, PROTECTED_TIME, KSS = (
    Kind.AGREEMENT, Kind.DEVELOPMENT_PLAN, Kind.SUPERVISION, Kind.PROTECTED_TIME,
    Kind.KSS_SELF_ASSESSMENT)

bp = Blueprint("records", __name__, url_prefix="/portfolios")
candidates_only = requires_role(Role.CANDIDATE)
candidate_or_assessor = requires_role(Role.CANDIDATE, Role.ASSESSOR)


def _portfolio_url(portfolio) -> str:
    """The portfolio's own page; the home page until that page exists."""
    try:
        return url_for("portfolios.show", portfolio_id=portfolio.id)
    except BuildError:
        return url_for("home.index")


def _index_url(portfolio) -> str:
    return url_for("records.index", portfolio_id=portfolio.id)


def _to_change(portfolio_id: int, kind: Kind):
    """The portfolio, for its candidate changing `kind` of record; 404 for anyone else."""
    return read_portfolio_or_404(portfolio_id, kind, for_edit=True)[0]


def _record_or_404(model, portfolio, record_id: int):
    """A record of this portfolio; anyone else's (or none) is 404."""
    record = db.session.get(model, record_id)
    if record is None or record.portfolio_id != portfolio.id:
        abort(404)
    return record


def _stage_or_404(stages, stage_code: str):
    for stage in stages:
        if stage.code == stage_code:
            return stage
    abort(404)


def _refused(form, error: records.RecordError) -> None:
    db.session.rollback()
    form.form_errors.append(str(error))


def _on_get(record):
    """Fill a form from the saved record only when showing it: a POST is what was typed
    (a box left out of the request must not silently keep the old value)."""
    return record if request.method == "GET" else None


def _status(form) -> int:
    return 400 if form.errors else 200


@bp.route("/<int:portfolio_id>/records")
@signed_in
def index(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id)
    return render("portfolios/records/index.html", portfolio=portfolio,
                  overview=record_queries.overview(portfolio, seen_by),
                  portfolio_url=_portfolio_url(portfolio),
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
    form = SupportAgreementForm(obj=_on_get(existing))
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
            form.created(_index_url(portfolio))
            db.session.commit()
        except records.RecordError as error:
            _refused(form, error)
        else:
            if was_signed and saved.signing_state == AgreementState.NOT_SIGNED:
                flash("Your agreement has been saved. It has changed, so you, your assessor "
                      "and your line manager need to sign it again.", "success")
                return redirect_to(url_for("agreeing.agreement", portfolio_id=portfolio.id))
            flash("Your support and assessment agreement has been saved.", "success")
            return redirect_to(_index_url(portfolio))
    return render("portfolios/records/agreement.html", portfolio=portfolio, form=form,
                  existing=existing, status=_status(form))


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
    portfolio = _to_change(portfolio_id, PLANS)
    stage = _stage_or_404(record_queries.programme_stages(portfolio), stage_code)
    existing = record_queries.development_plan_for(portfolio, stage.code)
    form = DevelopmentPlanForm(obj=_on_get(existing))
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
            _refused(form, error)
        else:
            flash(f"Your development plan for ‘{stage.title}’ has been saved.", "success")
            return redirect_to(url_for("records.development_plans", portfolio_id=portfolio.id))
    return render("portfolios/records/development_plan_form.html", portfolio=portfolio,
                  stage=stage, form=form, existing=existing, status=_status(form))


# Supervision ----------------------------------------------------------------------------
def _supervision_details(form: SupervisionForm) -> records.SupervisionDetails:
    return records.SupervisionDetails(held_on=form.held_on.data,
                                      supervisor_name=form.supervisor_name.data,
                                      topics=form.topics.data,
                                      agreed_actions=form.agreed_actions.data)


def _supervision_list_url(portfolio) -> str:
    return url_for("records.supervision", portfolio_id=portfolio.id)


@bp.route("/<int:portfolio_id>/records/supervision")
@signed_in
def supervision(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, SUPERVISION)
    sessions = db.session.scalars(record_queries.made_before(
        select(SupervisionRecord).where(SupervisionRecord.portfolio_id == portfolio.id)
        .order_by(SupervisionRecord.held_on.desc(), SupervisionRecord.id.desc()),
        SupervisionRecord, seen_by.made_before(SUPERVISION))).all()
    return render("portfolios/records/supervision_list.html", portfolio=portfolio,
                  sessions=sessions, can_edit=seen_by.can_edit(SUPERVISION))


@bp.route("/<int:portfolio_id>/records/supervision/new", methods=["GET", "POST"])
@candidates_only
def supervision_new(portfolio_id: int):
    portfolio = _to_change(portfolio_id, SUPERVISION)
    form = NewSupervisionForm()
    if form.validate_on_submit():
        try:
            records.add_supervision(current_user, portfolio, _supervision_details(form))
            form.created(_supervision_list_url(portfolio))
            db.session.commit()
        except records.RecordError as error:
            _refused(form, error)
        else:
            flash("Your supervision record has been saved.", "success")
            return redirect_to(_supervision_list_url(portfolio))
    return render("portfolios/records/supervision_form.html", portfolio=portfolio, form=form,
                  record=None, status=_status(form))


@bp.route("/<int:portfolio_id>/records/supervision/<int:record_id>/edit",
          methods=["GET", "POST"])
@candidates_only
def supervision_edit(portfolio_id: int, record_id: int):
    portfolio = _to_change(portfolio_id, SUPERVISION)
    record = _record_or_404(SupervisionRecord, portfolio, record_id)
    form = SupervisionForm(obj=_on_get(record))
    if form.validate_on_submit():
        try:
            records.update_supervision(current_user, portfolio, record,
                                       _supervision_details(form))
            db.session.commit()
        except records.RecordError as error:
            _refused(form, error)
        else:
            flash("Your changes have been saved.", "success")
            return redirect_to(_supervision_list_url(portfolio))
    return render("portfolios/records/supervision_form.html", portfolio=portfolio, form=form,
                  record=record, status=_status(form))


@bp.route("/<int:portfolio_id>/records/supervision/<int:record_id>/delete",
          methods=["GET", "POST"])
@candidates_only
def supervision_delete(portfolio_id: int, record_id: int):
    portfolio = _to_change(portfolio_id, SUPERVISION)
    record = _record_or_404(SupervisionRecord, portfolio, record_id)
    form = DeleteRecordForm()
    back = _supervision_list_url(portfolio)
    if form.validate_on_submit():
        records.delete_supervision(current_user, portfolio, record)
        db.session.commit()
        flash("The supervision record has been deleted.", "success")
        return redirect_to(back)
    return render("portfolios/records/delete.html", portfolio=portfolio, form=form,
                  heading="Are you sure you want to delete this supervision record?",
                  description=f"Supervision on {uk_date(record.held_on)} with "
                              f"{record.supervisor_name}",
                  back_url=back)


# Protected development time --------------------------------------------------------------
def _protected_time_details(form: ProtectedTimeForm) -> records.ProtectedTimeDetails:
    return records.ProtectedTimeDetails(
        taken_on=form.taken_on.data, minutes=form.total_minutes(),
        activity=form.activity.data,
        workload_reduction_confirmed=bool(form.workload_reduction_confirmed.data))


def _protected_time_list_url(portfolio) -> str:
    return url_for("records.protected_time", portfolio_id=portfolio.id)


@bp.route("/<int:portfolio_id>/records/protected-time")
@signed_in
def protected_time(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, PROTECTED_TIME)
    sessions = db.session.scalars(record_queries.made_before(
        select(ProtectedTimeRecord).where(ProtectedTimeRecord.portfolio_id == portfolio.id)
        .order_by(ProtectedTimeRecord.taken_on.desc(), ProtectedTimeRecord.id.desc()),
        ProtectedTimeRecord, seen_by.made_before(PROTECTED_TIME))).all()
    return render("portfolios/records/protected_time_list.html", portfolio=portfolio,
                  sessions=sessions, total_minutes=sum(s.minutes for s in sessions),
                  hours_and_minutes=record_queries.hours_and_minutes,
                  can_edit=seen_by.can_edit(PROTECTED_TIME))


@bp.route("/<int:portfolio_id>/records/protected-time/new", methods=["GET", "POST"])
@candidates_only
def protected_time_new(portfolio_id: int):
    portfolio = _to_change(portfolio_id, PROTECTED_TIME)
    form = NewProtectedTimeForm()
    if form.validate_on_submit():
        try:
            records.add_protected_time(current_user, portfolio, _protected_time_details(form))
            form.created(_protected_time_list_url(portfolio))
            db.session.commit()
        except records.RecordError as error:
            _refused(form, error)
        else:
            flash("Your protected time has been saved.", "success")
            return redirect_to(_protected_time_list_url(portfolio))
    return render("portfolios/records/protected_time_form.html", portfolio=portfolio,
                  form=form, record=None, status=_status(form))


@bp.route("/<int:portfolio_id>/records/protected-time/<int:record_id>/edit",
          methods=["GET", "POST"])
@candidates_only
def protected_time_edit(portfolio_id: int, record_id: int):
    portfolio = _to_change(portfolio_id, PROTECTED_TIME)
    record = _record_or_404(ProtectedTimeRecord, portfolio, record_id)
    form = ProtectedTimeForm(obj=_on_get(record))
    if not form.is_submitted():
        form.show_minutes(record.minutes)
    if form.validate_on_submit():
        try:
            records.update_protected_time(current_user, portfolio, record,
                                          _protected_time_details(form))
            db.session.commit()
        except records.RecordError as error:
            _refused(form, error)
        else:
            flash("Your changes have been saved.", "success")
            return redirect_to(_protected_time_list_url(portfolio))
    return render("portfolios/records/protected_time_form.html", portfolio=portfolio,
                  form=form, record=record, status=_status(form))


@bp.route("/<int:portfolio_id>/records/protected-time/<int:record_id>/delete",
          methods=["GET", "POST"])
@candidates_only
def protected_time_delete(portfolio_id: int, record_id: int):
    portfolio = _to_change(portfolio_id, PROTECTED_TIME)
    record = _record_or_404(ProtectedTimeRecord, portfolio, record_id)
    form = DeleteRecordForm()
    back = _protected_time_list_url(portfolio)
    if form.validate_on_submit():
        records.delete_protected_time(current_user, portfolio, record)
        db.session.commit()
        flash("The protected time has been deleted.", "success")
        return redirect_to(back)
    return render("portfolios/records/delete.html", portfolio=portfolio, form=form,
                  heading="Are you sure you want to delete this protected time?",
                  description=f"{record_queries.hours_and_minutes(record.minutes)} on "
                              f"{uk_date(record.taken_on)}",
                  back_url=back)


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
    stage = _stage_or_404(record_queries.kss_stages(portfolio), stage_code)
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
            _refused(form, error)
        else:
            flash(f"Your KSS self-assessment for ‘{stage.title}’ has been saved.", "success")
            return redirect_to(url_for("records.kss", portfolio_id=portfolio.id))
    return render("portfolios/records/kss_form.html", portfolio=portfolio, form=form,
                  framework=framework, stage=stage, existing=existing, status=_status(form))
