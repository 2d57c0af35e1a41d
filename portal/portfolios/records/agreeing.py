"""Making records agreed, not just typed: the three signatures on the support and
assessment agreement (with each fully signed wording kept), and the assessor's review of
a development plan.

Each person signs for themselves, in the role they hold for this candidate now: the
candidate, their current assessor, their current line manager. A signature is given to the
revision the signer read, so wording changed while they read it is not signed unseen.
"""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.assignments.access import assesses, manages
from portal.core.db import db, utcnow
from portal.portfolios.models import (
    SIGNERS,
    AgreementState,
    DevelopmentPlan,
    Portfolio,
    SupportAgreement,
    SupportAgreementVersion,
)
from portal.portfolios.records.operations import RecordError, audit_change

SIGNER_LABELS = {"candidate": "Candidate", "assessor": "Assessor",
                 "line_manager": "Line manager"}
AGREEMENT_FIELDS = ("agreed_on", "supervision_arrangements", "workload_reduction",
                    "protected_time", "development_priorities")


def signing_roles(user: User, portfolio: Portfolio) -> list[str]:
    """The roles in which this person signs this candidate's agreement."""
    if not user.is_authenticated:
        return []
    if user.id == portfolio.candidate_id:
        return ["candidate"]
    roles = []
    if assesses(user, portfolio.candidate_id):
        roles.append("assessor")
    if manages(user, portfolio.candidate_id):
        roles.append("line_manager")
    return roles


def unsigned_roles(user: User, portfolio: Portfolio, agreement: SupportAgreement) -> list[str]:
    return [role for role in signing_roles(user, portfolio)
            if getattr(agreement, f"{role}_signed_at") is None]


def _locked(agreement: SupportAgreement) -> SupportAgreement:
    """The agreement's row, locked on PostgreSQL, so two signatures (or a signature and an
    edit) take turns and the last signer sees the others' signatures."""
    return db.session.scalars(
        select(SupportAgreement).where(SupportAgreement.id == agreement.id)
        .with_for_update().execution_options(populate_existing=True)).one()


def sign_agreement(actor: User, portfolio: Portfolio, agreement: SupportAgreement,
                   role: str, revision_read: int) -> SupportAgreementVersion | None:
    """Sign the agreement as `role`. When this is the third signature, the signed wording
    is kept as a new version, which is returned."""
    if agreement.portfolio_id != portfolio.id:
        raise RecordError("This agreement belongs to another portfolio")
    if role not in signing_roles(actor, portfolio):
        raise PermissionError("only the candidate, their assessor or line manager signs")
    agreement = _locked(agreement)
    if agreement.revision != revision_read:
        raise RecordError("The agreement was changed while you were reading it. Read the "
                          "new wording before you sign.")
    if getattr(agreement, f"{role}_signed_at") is not None:
        raise RecordError("You have already signed this version of the agreement")
    setattr(agreement, f"{role}_signed_at", utcnow())
    setattr(agreement, f"{role}_signed_by_id", actor.id)
    db.session.flush()
    audit_change(actor, "support_agreement_signed", agreement, portfolio, role=role,
           revision=agreement.revision)
    if agreement.signing_state != AgreementState.SIGNED:
        return None
    return _keep_signed_version(actor, portfolio, agreement)


def _keep_signed_version(actor: User, portfolio: Portfolio,
                         agreement: SupportAgreement) -> SupportAgreementVersion:
    number = db.session.scalar(
        select(func.coalesce(func.max(SupportAgreementVersion.number), 0))
        .where(SupportAgreementVersion.agreement_id == agreement.id)) + 1
    copied = {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}
    for role in SIGNERS:
        for suffix in ("signed_at", "signed_by_id"):
            copied[f"{role}_{suffix}"] = getattr(agreement, f"{role}_{suffix}")
    version = SupportAgreementVersion(agreement_id=agreement.id, number=number, **copied)
    db.session.add(version)
    db.session.flush()
    audit_change(actor, "support_agreement_version_kept", agreement, portfolio,
           version_id=version.id, number=number)
    return version


def signed_versions(agreement: SupportAgreement) -> list[SupportAgreementVersion]:
    """Every signed wording, newest first."""
    return list(db.session.scalars(
        select(SupportAgreementVersion)
        .where(SupportAgreementVersion.agreement_id == agreement.id)
        .order_by(SupportAgreementVersion.number.desc())))


# Development plans ----------------------------------------------------------------------
def can_review_plans(user: User, portfolio: Portfolio) -> bool:
    """Only the candidate's current assessor marks a plan as reviewed."""
    return (user.is_authenticated and user.id != portfolio.candidate_id
            and assesses(user, portfolio.candidate_id))


def review_development_plan(actor: User, portfolio: Portfolio,
                            plan: DevelopmentPlan) -> DevelopmentPlan:
    """Mark the plan as reviewed now by the assessor (again, after a change)."""
    if plan.portfolio_id != portfolio.id:
        raise RecordError("This plan belongs to another portfolio")
    if not can_review_plans(actor, portfolio):
        raise PermissionError("only the candidate's current assessor reviews a plan")
    plan.reviewed_at = utcnow()
    plan.reviewed_by_id = actor.id
    db.session.flush()
    audit_change(actor, "development_plan_reviewed", plan, portfolio, stage_code=plan.stage_code)
    return plan
