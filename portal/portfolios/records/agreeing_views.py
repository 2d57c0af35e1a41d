"""Signing the support and assessment agreement, and the assessor's review of a
development plan. Thin views: load, validate, call `agreeing`, commit, redirect."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.portfolios.access import get_portfolio_or_404, read_portfolio_or_404
from portal.portfolios.models import SIGNERS
from portal.portfolios.records import agreeing
from portal.portfolios.records import queries as record_queries
from portal.portfolios.records.forms import ReviewPlanForm, SignAgreementForm
from portal.portfolios.records.operations import RecordError
from portal.visibility import Kind

bp = Blueprint("agreeing", __name__, url_prefix="/portfolios")
signers_only = requires_role(Role.CANDIDATE, Role.ASSESSOR, Role.LINE_MANAGER)


def _agreement_or_404(portfolio):
    agreement = record_queries.support_agreement_of(portfolio)
    if agreement is None:
        abort(404)
    return agreement


def _agreement_page(portfolio, agreement, form=None, signing_role=None, status=200):
    unsigned = (agreeing.unsigned_roles(current_user, portfolio, agreement)
                if agreement is not None else [])
    if form is None and unsigned:
        form = SignAgreementForm(formdata=None, revision=agreement.revision)
    return render("portfolios/records/agreement_signatures.html", portfolio=portfolio,
                  agreement=agreement, signers=SIGNERS, labels=agreeing.SIGNER_LABELS,
                  unsigned=unsigned, signing_role=signing_role or (unsigned or [None])[0],
                  form=form if unsigned else None,
                  versions=agreeing.signed_versions(agreement) if agreement else [],
                  is_candidate=current_user.id == portfolio.candidate_id, status=status)


@bp.route("/<int:portfolio_id>/records/agreement/signatures")
@signed_in
def agreement(portfolio_id: int):
    """The agreed wording, who has signed it, a signature form and the signed versions:
    read by whoever may read the agreement (the visibility table); signed by the three."""
    portfolio, _seen_by = read_portfolio_or_404(portfolio_id, Kind.AGREEMENT)
    return _agreement_page(portfolio, record_queries.support_agreement_of(portfolio))


@bp.route("/<int:portfolio_id>/records/agreement/sign/<role>", methods=["POST"])
@signers_only
def sign(portfolio_id: int, role: str):
    portfolio = get_portfolio_or_404(portfolio_id)
    agreement = _agreement_or_404(portfolio)
    if role not in agreeing.signing_roles(current_user, portfolio):
        abort(404)
    form = SignAgreementForm()
    if form.validate_on_submit():
        try:
            version = agreeing.sign_agreement(current_user, portfolio, agreement, role,
                                              form.revision.data)
        except RecordError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash("You have signed the agreement. Everyone has now signed it."
                  if version is not None else "You have signed the agreement.", "success")
            return redirect_to(url_for("agreeing.agreement", portfolio_id=portfolio.id))
    return _agreement_page(portfolio, agreement, form=form, signing_role=role, status=400)


@bp.route("/<int:portfolio_id>/records/development-plans/<stage_code>/review",
          methods=["POST"])
@requires_role(Role.ASSESSOR)
def review_plan(portfolio_id: int, stage_code: str):
    portfolio = get_portfolio_or_404(portfolio_id)
    plan = record_queries.development_plan_for(portfolio, stage_code)
    if plan is None or not agreeing.can_review_plans(current_user, portfolio):
        abort(404)
    if ReviewPlanForm().validate_on_submit():
        agreeing.review_development_plan(current_user, portfolio, plan)
        db.session.commit()
        flash("The development plan is marked as reviewed.", "success")
    else:
        flash("The plan was not marked as reviewed. Try again.", "error")
    return redirect_to(url_for("records.development_plans", portfolio_id=portfolio.id))
