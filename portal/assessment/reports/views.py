"""Review-point reports: assessors write and sign off, line managers confirm support,
candidates read and respond."""

from datetime import date

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from portal.assessment.confirmations import report_sign_off_confirmation
from portal.assessment.reports import operations as reports
from portal.assignments.access import manages
from portal.core.access import signed_in
from portal.core.confirm import confirmation_page
from portal.core.db import db
from portal.core.forms import NUL_MESSAGE, ConfirmForm, OnceConfirmForm, has_nul
from portal.core.htmx import redirect_to, render
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.access import can_view_report
from portal.portfolios.reviews.models import ReviewReport
from portal.visibility import Kind, can_edit

bp = Blueprint("reports", __name__, url_prefix="/reports")
ACTION_ROWS = 3
TEXT_MAX = 10000


def get_report_or_404(report_id: int) -> tuple[ReviewReport, Portfolio]:
    """The report and its portfolio, for whoever the visibility table lets read it."""
    report = db.session.get(ReviewReport, report_id)
    if report is None:
        abort(404)
    portfolio = db.session.get(Portfolio, report.portfolio_id)
    if not can_view_report(current_user, report, portfolio):
        abort(404)
    return report, portfolio


@bp.route("/start/<int:portfolio_id>", methods=["POST"])
@signed_in
def start(portfolio_id: int):
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, Kind.REVIEW_REPORT)
    if not seen_by.can_edit(Kind.REVIEW_REPORT):
        abort(404)
    form = OnceConfirmForm()  # sent twice (a double click), one report is started
    if not form.validate_on_submit():
        abort(400)
    try:
        report = reports.start_assessment(current_user, portfolio)
        form.created(url_for("reports.show", report_id=report.id))
    except (reports.ReportError, ValueError) as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect_to(url_for("portfolios.show", portfolio_id=portfolio.id))
    db.session.commit()
    return redirect_to(url_for("reports.show", report_id=report.id))


def _text(name: str, errors: dict, label: str) -> str:
    value = request.form.get(name, "")
    if len(value) > TEXT_MAX:
        errors[name] = f"{label} must be {TEXT_MAX} characters or fewer"
    elif has_nul(value):
        errors[name] = NUL_MESSAGE
    return value


def _read_content(portfolio: Portfolio, errors: dict) -> reports.ReportContent:
    content = reports.ReportContent(
        summary=_text("summary", errors, "The summary"),
        holistic_assessment=_text("holistic_assessment", errors, "The holistic assessment"),
        recommendation=request.form.get("recommendation") or None,
    )
    for domain in reports.pcf_domains(portfolio):
        rating = request.form.get(f"rating-{domain.id}", "")
        why = _text(f"commentary-{domain.id}", errors, "Commentary")
        if rating:
            content.ratings[domain.id] = (rating, why)
    for row in range(ACTION_ROWS):
        what = request.form.get(f"action-{row}-description", "").strip()
        due = request.form.get(f"action-{row}-due", "").strip()
        who = request.form.get(f"action-{row}-owner", "").strip()[:200]
        if not what and not due:
            continue
        try:
            by = date.fromisoformat(due)
        except ValueError:
            errors[f"action-{row}-due"] = "Enter a real date for the action"
            continue
        if not what or has_nul(what):
            errors[f"action-{row}-description"] = NUL_MESSAGE if what else "Describe the action"
            continue
        if has_nul(who):
            errors[f"action-{row}-owner"] = NUL_MESSAGE
            continue
        content.actions.append((what[:2000], by, who))
    return content


def _render(report, portfolio, errors=None, status=200):
    editable = report.state == "draft" and can_edit(current_user, Kind.REVIEW_REPORT,
                                                     portfolio.candidate_id)
    return render("assessment/reports/show.html", report=report, portfolio=portfolio,
                  domains=reports.pcf_domains(portfolio), ratings=reports.RATINGS,
                  recommendations=reports.recommendation_choices(portfolio),
                  editable=editable, errors=errors or {}, action_rows=ACTION_ROWS,
                  submitted=request.form if request.method == "POST" else None,
                  can_confirm=manages(current_user, portfolio.candidate_id)
                  and report.confirmed_at is None,
                  can_respond=portfolio.candidate_id == current_user.id
                  and report.state == "signed_off" and report.responded_at is None,
                  confirm=ConfirmForm(), status=status)


@bp.route("/<int:report_id>", methods=["GET", "POST"])
@signed_in
def show(report_id: int):
    report, portfolio = get_report_or_404(report_id)
    if request.method == "GET":
        return _render(report, portfolio)
    if not can_edit(current_user, Kind.REVIEW_REPORT, portfolio.candidate_id):
        abort(404)  # the candidate's assessor writes it; everyone else only reads
    if not ConfirmForm().validate_on_submit():
        abort(400)
    errors: dict[str, str] = {}
    content = _read_content(portfolio, errors)
    if errors:
        return _render(report, portfolio, errors, status=400)
    try:
        reports.save_draft(current_user, report, content)
        if request.form.get("action") == "sign_off":
            missing = reports.missing_for_sign_off(report, portfolio)
            db.session.commit()  # keep what was written, complete or not
            if missing:
                return _render(report, portfolio, dict(missing), status=400)
            # Saved and complete: signing off locks it for good, so ask first.
            return redirect_to(url_for("reports.sign_off", report_id=report.id))
        db.session.commit()
        flash("Your draft report has been saved.", "success")
    except reports.ReportError as error:
        db.session.rollback()
        report, portfolio = get_report_or_404(report_id)
        return _render(report, portfolio, {error.field or "summary": str(error)}, status=400)
    return redirect_to(url_for("reports.show", report_id=report.id))


@bp.route("/<int:report_id>/sign-off", methods=["GET", "POST"])
@signed_in
def sign_off(report_id: int):
    """GET asks 'are you sure?' and says what signing off does; the POST signs off."""
    report, portfolio = get_report_or_404(report_id)
    if not can_edit(current_user, Kind.REVIEW_REPORT, portfolio.candidate_id):
        abort(404)
    if request.method == "GET":
        if report.state != "draft":
            return redirect_to(url_for("reports.show", report_id=report.id))
        return confirmation_page(report_sign_off_confirmation(report, portfolio))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        plan = reports.sign_off(current_user, report)
    except reports.ReportError as error:
        db.session.rollback()
        report, portfolio = get_report_or_404(report_id)
        return _render(report, portfolio, {error.field or "summary": str(error)}, status=400)
    db.session.commit()
    flash("The report has been signed off and can no longer be changed."
          + (" A support plan has been opened." if plan else ""), "success")
    return redirect_to(url_for("reports.show", report_id=report.id))


@bp.route("/<int:report_id>/return", methods=["POST"])
@signed_in
def return_submission(report_id: int):
    report, portfolio = get_report_or_404(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        reports.return_to_candidate(current_user, report, request.form.get("requests", "")[
            :TEXT_MAX])
    except reports.ReportError as error:
        db.session.rollback()
        report, portfolio = get_report_or_404(report_id)
        return _render(report, portfolio, {error.field or "requests": str(error)}, status=400)
    db.session.commit()
    flash("The submission has been returned to the candidate with your requests.", "success")
    return redirect_to(url_for("reports.show", report_id=report.id))


@bp.route("/<int:report_id>/confirm", methods=["POST"])
@signed_in
def confirm_support(report_id: int):
    report, _portfolio = get_report_or_404(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        reports.confirm_support(
            current_user, report,
            supervision=request.form.get("supervision") == "yes",
            protected_time=request.form.get("protected_time") == "yes",
            workload_reduction=request.form.get("workload_reduction") == "yes",
            comment=request.form.get("line_manager_comment", "")[:TEXT_MAX],
        )
    except reports.ReportError as error:
        db.session.rollback()
        flash(str(error), "error")
    else:
        db.session.commit()
        flash("Thank you: your confirmation has been recorded.", "success")
    return redirect_to(url_for("reports.show", report_id=report.id))


@bp.route("/<int:report_id>/respond", methods=["POST"])
@signed_in
def respond(report_id: int):
    report, portfolio = get_report_or_404(report_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        reports.respond(current_user, report, request.form.get("response", "")[:TEXT_MAX])
    except reports.ReportError as error:
        db.session.rollback()
        report, portfolio = get_report_or_404(report_id)
        return _render(report, portfolio, {error.field or "response": str(error)}, status=400)
    db.session.commit()
    flash("Your response has been added to the report.", "success")
    return redirect_to(url_for("reports.show", report_id=report.id))
