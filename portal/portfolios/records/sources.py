"""The structured records the sufficiency checks count, and where each keeps its stage or
its day. The sufficiency page's counting query and the portfolio page's history query both
read them, so a new kind of record is added here once."""

from typing import NamedTuple

from sqlalchemy import Date, String, cast, null
from sqlalchemy.sql.elements import ColumnElement

from portal.portfolios.models import (
    DevelopmentPlan,
    KssSelfAssessment,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)
from portal.programmes.models import RecordKind


class RecordSource(NamedTuple):
    kind: RecordKind
    model: type
    stage: ColumnElement  # the stage it belongs to, or NULL when its day decides
    day: ColumnElement  # the day it happened, or NULL when it has a stage of its own


def record_sources() -> list[RecordSource]:
    no_stage, no_day = cast(null(), String), cast(null(), Date)
    return [
        RecordSource(RecordKind.SUPPORT_AGREEMENT, SupportAgreement, no_stage, no_day),
        RecordSource(RecordKind.DEVELOPMENT_PLAN, DevelopmentPlan,
                     cast(DevelopmentPlan.stage_code, String), no_day),
        RecordSource(RecordKind.SUPERVISION, SupervisionRecord, no_stage,
                     SupervisionRecord.held_on),
        RecordSource(RecordKind.PROTECTED_TIME, ProtectedTimeRecord, no_stage,
                     ProtectedTimeRecord.taken_on),
        RecordSource(RecordKind.KSS_SELF_ASSESSMENT, KssSelfAssessment,
                     cast(KssSelfAssessment.stage_code, String), no_day),
    ]
