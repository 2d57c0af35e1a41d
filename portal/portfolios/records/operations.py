"""Structured portfolio records: the support agreement, development plans, supervision,
protected time and KSS self-assessments.

Each change is made by an explicit actor, flushed and audited, never committed (the view
commits). The forms give the friendly messages; the checks here are the last line, so a
caller that skips the form still cannot store a record the portfolio would not accept.
Audit rows carry identifiers and changed field names only, never what was written.
"""

from dataclasses import dataclass
from datetime import date

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.portfolios.models import (
    DevelopmentPlan,
    KssRating,
    KssSelfAssessment,
    Portfolio,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)
from portal.portfolios.operations import complete_review_point
from portal.portfolios.records.queries import (
    development_plan_for,
    kss_framework,
    kss_self_assessment_for,
    kss_stages,
    kss_statements,
    programme_stages,
    support_agreement_of,
)
from portal.programmes.models import ProgrammeStage

LONG_TEXT_MAX = 10_000
KSS_COMMENT_MAX = 2_000
SUPERVISOR_NAME_MAX = 200
MINUTES_MAX = 24 * 60
RATINGS = {
    1: "Not yet",
    2: "Developing",
    3: "Confident",
    4: "Strong",
}


class RecordError(ValueError):
    """A record that cannot be saved, with a message fit to show the candidate."""


# Checks shared by every record ---------------------------------------------------------
def _text(value: str | None, what: str, *, required: bool = True,
          limit: int = LONG_TEXT_MAX) -> str:
    text = (value or "").replace("\r\n", "\n").strip()
    if required and not text:
        raise RecordError(f"Enter {what}")
    if len(text) > limit:
        raise RecordError(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer")
    return text


def _date(value: date | None, what: str) -> date:
    if value is None:
        raise RecordError(f"Enter {what}")
    return value


def _changed(record, values: dict) -> list[str]:
    """Set `values` on `record`; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(record, name) != value:
            setattr(record, name, value)
            changed.append(name)
    return changed


def _audit(actor: User, action: str, record, portfolio: Portfolio, **details) -> None:
    audit.record(actor, action, record, organisation_id=portfolio.organisation_id,
                 portfolio_id=portfolio.id, **details)


def _stage_code(stage_code: str, stages: list[ProgrammeStage]) -> str:
    if stage_code not in {stage.code for stage in stages}:
        raise RecordError("Choose a stage of your programme")
    return stage_code


# Support and assessment agreement ------------------------------------------------------
@dataclass(frozen=True)
class AgreementDetails:
    agreed_on: date | None
    supervision_arrangements: str = ""
    workload_reduction: str = ""
    protected_time: str = ""
    development_priorities: str = ""


def save_support_agreement(actor: User, portfolio: Portfolio,
                           details: AgreementDetails) -> SupportAgreement:
    """Create the portfolio's one agreement, or update it."""
    values = {
        "agreed_on": _date(details.agreed_on, "the date the agreement was made"),
        "supervision_arrangements": _text(details.supervision_arrangements,
                                          "the supervision arrangements"),
        "workload_reduction": _text(details.workload_reduction,
                                    "how your workload will be reduced"),
        "protected_time": _text(details.protected_time, "how your protected time will work"),
        "development_priorities": _text(details.development_priorities,
                                        "your development priorities", required=False),
    }
    agreement = support_agreement_of(portfolio)
    if agreement is None:
        agreement = SupportAgreement(portfolio_id=portfolio.id, **values)
        db.session.add(agreement)
        db.session.flush()
        _audit(actor, "support_agreement_created", agreement, portfolio)
        _complete_agreement_review(actor, portfolio, agreement.agreed_on)
        return agreement
    changed = _changed(agreement, values)
    db.session.flush()
    _audit(actor, "support_agreement_updated", agreement, portfolio, changed=changed)
    return agreement


def _complete_agreement_review(actor: User, portfolio: Portfolio, agreed_on: date) -> None:
    """Making the agreement is the start-of-programme review point."""
    for point in portfolio.review_points:
        if point.code == "agreement" and point.completed_on is None:
            complete_review_point(actor, point, agreed_on)


# Professional development plans ---------------------------------------------------------
@dataclass(frozen=True)
class PlanDetails:
    agreed_on: date | None
    goals: str
    actions: str = ""
    review_on: date | None = None


def save_development_plan(actor: User, portfolio: Portfolio, stage_code: str,
                          details: PlanDetails) -> DevelopmentPlan:
    """Create or update the development plan for one stage of the programme."""
    _stage_code(stage_code, programme_stages(portfolio))
    agreed_on = _date(details.agreed_on, "the date the plan was agreed")
    if details.review_on is not None and details.review_on < agreed_on:
        raise RecordError("The review date must be on or after the date the plan was agreed")
    values = {
        "agreed_on": agreed_on,
        "goals": _text(details.goals, "your development goals"),
        "actions": _text(details.actions, "the actions", required=False),
        "review_on": details.review_on,
    }
    plan = development_plan_for(portfolio, stage_code)
    if plan is None:
        plan = DevelopmentPlan(portfolio_id=portfolio.id, stage_code=stage_code, **values)
        db.session.add(plan)
        db.session.flush()
        _audit(actor, "development_plan_created", plan, portfolio, stage_code=stage_code)
        return plan
    changed = _changed(plan, values)
    db.session.flush()
    _audit(actor, "development_plan_updated", plan, portfolio, stage_code=stage_code,
           changed=changed)
    return plan


# Supervision ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SupervisionDetails:
    held_on: date | None
    supervisor_name: str
    topics: str
    agreed_actions: str = ""


def _supervision_values(details: SupervisionDetails) -> dict:
    return {
        "held_on": _date(details.held_on, "the date of the supervision"),
        "supervisor_name": _text(details.supervisor_name, "your supervisor’s name",
                                 limit=SUPERVISOR_NAME_MAX),
        "topics": _text(details.topics, "the topics you discussed"),
        "agreed_actions": _text(details.agreed_actions, "the agreed actions", required=False),
    }


def add_supervision(actor: User, portfolio: Portfolio,
                    details: SupervisionDetails) -> SupervisionRecord:
    record = SupervisionRecord(portfolio_id=portfolio.id, **_supervision_values(details))
    db.session.add(record)
    db.session.flush()
    _audit(actor, "supervision_recorded", record, portfolio)
    return record


def update_supervision(actor: User, portfolio: Portfolio, record: SupervisionRecord,
                       details: SupervisionDetails) -> SupervisionRecord:
    _belongs(record, portfolio)
    changed = _changed(record, _supervision_values(details))
    db.session.flush()
    _audit(actor, "supervision_updated", record, portfolio, changed=changed)
    return record


def delete_supervision(actor: User, portfolio: Portfolio, record: SupervisionRecord) -> None:
    _belongs(record, portfolio)
    _audit(actor, "supervision_deleted", record, portfolio, held_on=record.held_on.isoformat())
    db.session.delete(record)
    db.session.flush()


# Protected development time --------------------------------------------------------------
@dataclass(frozen=True)
class ProtectedTimeDetails:
    taken_on: date | None
    minutes: int | None
    activity: str
    workload_reduction_confirmed: bool = False


def _protected_time_values(details: ProtectedTimeDetails) -> dict:
    minutes = details.minutes
    if minutes is None or not 0 < minutes <= MINUTES_MAX:
        raise RecordError("Enter a length of time between 1 minute and 24 hours")
    return {
        "taken_on": _date(details.taken_on, "the date you took the time"),
        "minutes": minutes,
        "activity": _text(details.activity, "what you used the time for"),
        "workload_reduction_confirmed": bool(details.workload_reduction_confirmed),
    }


def add_protected_time(actor: User, portfolio: Portfolio,
                       details: ProtectedTimeDetails) -> ProtectedTimeRecord:
    record = ProtectedTimeRecord(portfolio_id=portfolio.id, **_protected_time_values(details))
    db.session.add(record)
    db.session.flush()
    _audit(actor, "protected_time_recorded", record, portfolio, minutes=record.minutes)
    return record


def update_protected_time(actor: User, portfolio: Portfolio, record: ProtectedTimeRecord,
                          details: ProtectedTimeDetails) -> ProtectedTimeRecord:
    _belongs(record, portfolio)
    changed = _changed(record, _protected_time_values(details))
    db.session.flush()
    _audit(actor, "protected_time_updated", record, portfolio, changed=changed)
    return record


def delete_protected_time(actor: User, portfolio: Portfolio,
                          record: ProtectedTimeRecord) -> None:
    _belongs(record, portfolio)
    _audit(actor, "protected_time_deleted", record, portfolio,
           taken_on=record.taken_on.isoformat(), minutes=record.minutes)
    db.session.delete(record)
    db.session.flush()


def _belongs(record, portfolio: Portfolio) -> None:
    if record.portfolio_id != portfolio.id:
        raise RecordError("This record belongs to another portfolio")


# KSS self-assessment ---------------------------------------------------------------------
def save_kss_self_assessment(actor: User, portfolio: Portfolio, stage_code: str,
                             completed_on: date | None,
                             ratings: dict[int, tuple[int, str]]) -> KssSelfAssessment:
    """Rate every statement of the portfolio's pinned KSS at one stage (create or update).

    `ratings` maps each statement's element id to (rating 1-4, comment). A rating for
    every statement is required, and only for those statements.
    """
    framework = kss_framework(portfolio)
    if framework is None:
        raise RecordError("Your programme does not use the Knowledge and Skills Statements")
    _stage_code(stage_code, kss_stages(portfolio))
    completed_on = _date(completed_on, "the date you completed the self-assessment")
    statements = kss_statements(framework)
    expected = {statement.id for statement in statements}
    if set(ratings) - expected:
        raise RecordError("Rate only the statements of your programme’s KSS")
    missing = [s for s in statements if s.id not in ratings]
    if missing:
        raise RecordError(f"Choose a rating for every statement (missing: "
                          f"{', '.join(s.code for s in missing)})")
    cleaned = {}
    for statement in statements:
        rating, comment = ratings[statement.id]
        if rating not in RATINGS:
            raise RecordError(f"Choose a rating from 1 to 4 for statement {statement.code}")
        cleaned[statement.id] = (rating, _text(comment, f"the comment on statement "
                                               f"{statement.code}", required=False,
                                               limit=KSS_COMMENT_MAX))

    assessment = kss_self_assessment_for(portfolio, stage_code)
    created = assessment is None
    if created:
        assessment = KssSelfAssessment(portfolio_id=portfolio.id, stage_code=stage_code,
                                       completed_on=completed_on)
        db.session.add(assessment)
    else:
        assessment.completed_on = completed_on
    existing = {rating.element_id: rating for rating in assessment.ratings}
    for element_id, (rating, comment) in cleaned.items():
        row = existing.get(element_id)
        if row is None:
            assessment.ratings.append(KssRating(element_id=element_id, rating=rating,
                                                comment=comment))
        else:
            row.rating, row.comment = rating, comment
    db.session.flush()
    action = "kss_self_assessment_created" if created else "kss_self_assessment_updated"
    _audit(actor, action, assessment, portfolio, stage_code=stage_code,
           framework=f"{framework.code} {framework.version}")
    return assessment
