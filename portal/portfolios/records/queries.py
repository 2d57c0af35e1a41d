"""Reading the candidate's records: stage lists, the KSS a portfolio is pinned to, each
record by stage, and the overview behind the records page (a fixed number of queries).
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from portal.core.db import db
from portal.frameworks.models import Framework, FrameworkElement
from portal.portfolios.models import (
    DevelopmentPlan,
    KssSelfAssessment,
    Portfolio,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)
from portal.programmes.models import ComponentRequirement, ProgrammeStage, RecordKind
from portal.visibility import Kind, Viewer

# The day each record is about, which is what a previous assessor's cut-off compares: the
# records keep no time of writing, and the candidate dates them as they happened.
MADE_ON = {
    SupportAgreement: (Kind.AGREEMENT, SupportAgreement.agreed_on),
    DevelopmentPlan: (Kind.DEVELOPMENT_PLAN, DevelopmentPlan.agreed_on),
    SupervisionRecord: (Kind.SUPERVISION, SupervisionRecord.held_on),
    ProtectedTimeRecord: (Kind.PROTECTED_TIME, ProtectedTimeRecord.taken_on),
    KssSelfAssessment: (Kind.KSS_SELF_ASSESSMENT, KssSelfAssessment.completed_on),
}


def made_before(statement, model, day: date | None):
    """`statement` narrowed to the `model` records dated before `day` (if there is one)."""
    return statement if day is None else statement.where(MADE_ON[model][1] < day)


def _seen(statement, model, seen_by: Viewer | None):
    return made_before(statement, model,
                       seen_by.made_before(MADE_ON[model][0]) if seen_by else None)


def programme_stages(portfolio: Portfolio) -> list[ProgrammeStage]:
    """The programme's stages in order (development plans are kept per stage)."""
    return list(db.session.scalars(
        select(ProgrammeStage)
        .where(ProgrammeStage.programme_id == portfolio.programme_id)
        .order_by(ProgrammeStage.position)
    ))


def kss_stages(portfolio: Portfolio, stages: list[ProgrammeStage] | None = None
               ) -> list[ProgrammeStage]:
    """The stages the programme asks for a KSS self-assessment at (all, if it does not say)."""
    stages = programme_stages(portfolio) if stages is None else stages
    per_stage = db.session.scalar(
        select(ComponentRequirement.per_stage)
        .where(ComponentRequirement.programme_id == portfolio.programme_id,
               ComponentRequirement.record_kind == RecordKind.KSS_SELF_ASSESSMENT.value)
        .order_by(ComponentRequirement.position)
        .limit(1)
    )
    if not per_stage:
        return stages
    wanted = set(per_stage)
    return [stage for stage in stages if stage.code in wanted]


def kss_framework(portfolio: Portfolio) -> Framework | None:
    """The KSS version the portfolio is pinned to, if its programme uses one."""
    for framework in portfolio.frameworks:
        if framework.code.startswith("kss-"):
            return framework
    return None


def kss_statements(framework: Framework) -> list[FrameworkElement]:
    """The statements a self-assessment rates: the framework's top-level elements."""
    return list(db.session.scalars(
        select(FrameworkElement)
        .where(FrameworkElement.framework_id == framework.id, FrameworkElement.depth == 0)
        .order_by(FrameworkElement.position)
    ))


def support_agreement_of(portfolio: Portfolio) -> SupportAgreement | None:
    return db.session.scalar(select(SupportAgreement).where(
        SupportAgreement.portfolio_id == portfolio.id))


def development_plan_for(portfolio: Portfolio, stage_code: str) -> DevelopmentPlan | None:
    return db.session.scalar(select(DevelopmentPlan).where(
        DevelopmentPlan.portfolio_id == portfolio.id, DevelopmentPlan.stage_code == stage_code))


def kss_self_assessment_for(portfolio: Portfolio, stage_code: str) -> KssSelfAssessment | None:
    return db.session.scalar(select(KssSelfAssessment).where(
        KssSelfAssessment.portfolio_id == portfolio.id,
        KssSelfAssessment.stage_code == stage_code))


@dataclass(frozen=True)
class KssProgress:
    """Every stage's ratings side by side: rows are the statements, columns the stages."""

    statements: list[FrameworkElement]
    completed: dict[str, KssSelfAssessment]
    ratings: dict[tuple[int, str], int]  # (statement id, stage code) -> rating

    def rating(self, statement: FrameworkElement, stage: ProgrammeStage) -> int | None:
        return self.ratings.get((statement.id, stage.code))


def kss_progress(portfolio: Portfolio, framework: Framework,
                 stages: list[ProgrammeStage]) -> KssProgress:
    """The self-assessments of the given stages with their ratings (two queries)."""
    assessments = db.session.scalars(
        select(KssSelfAssessment)
        .where(KssSelfAssessment.portfolio_id == portfolio.id,
               KssSelfAssessment.stage_code.in_([stage.code for stage in stages]))
        .options(selectinload(KssSelfAssessment.ratings))).all()
    return KssProgress(
        statements=kss_statements(framework),
        completed={assessment.stage_code: assessment for assessment in assessments},
        ratings={(rating.element_id, assessment.stage_code): rating.rating
                 for assessment in assessments for rating in assessment.ratings},
    )


@dataclass(frozen=True)
class RecordsOverview:
    """What the candidate has recorded of each kind, read in a fixed number of queries."""

    stages: list[ProgrammeStage]
    kss_stages: list[ProgrammeStage]
    kss_framework: Framework | None
    agreement: SupportAgreement | None
    plan_stage_codes: set[str]
    supervision_count: int
    latest_supervision_on: date | None
    protected_time_count: int
    protected_minutes: int
    kss_completed: dict[str, date]


def overview(portfolio: Portfolio, seen_by: Viewer | None = None) -> RecordsOverview:
    """With `seen_by`, only the records that person reads (a previous assessor's stop at
    their reassignment)."""
    stages = programme_stages(portfolio)
    supervision_count, latest = db.session.execute(_seen(
        select(func.count(SupervisionRecord.id), func.max(SupervisionRecord.held_on))
        .where(SupervisionRecord.portfolio_id == portfolio.id), SupervisionRecord, seen_by)
    ).one()
    time_count, minutes = db.session.execute(_seen(
        select(func.count(ProtectedTimeRecord.id),
               func.coalesce(func.sum(ProtectedTimeRecord.minutes), 0))
        .where(ProtectedTimeRecord.portfolio_id == portfolio.id), ProtectedTimeRecord, seen_by)
    ).one()
    agreement = support_agreement_of(portfolio)
    if agreement is not None and seen_by is not None and not seen_by.can_read(
            Kind.AGREEMENT, agreement.agreed_on):
        agreement = None
    return RecordsOverview(
        stages=stages,
        kss_stages=kss_stages(portfolio, stages),
        kss_framework=kss_framework(portfolio),
        agreement=agreement,
        plan_stage_codes=set(db.session.scalars(_seen(
            select(DevelopmentPlan.stage_code)
            .where(DevelopmentPlan.portfolio_id == portfolio.id), DevelopmentPlan, seen_by))),
        supervision_count=supervision_count,
        latest_supervision_on=latest,
        protected_time_count=time_count,
        protected_minutes=int(minutes),
        kss_completed=dict(db.session.execute(_seen(
            select(KssSelfAssessment.stage_code, KssSelfAssessment.completed_on)
            .where(KssSelfAssessment.portfolio_id == portfolio.id), KssSelfAssessment,
            seen_by)).all()),
    )


def hours_and_minutes(minutes: int) -> str:
    """'2 hours 30 minutes', '1 hour', '45 minutes'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)
