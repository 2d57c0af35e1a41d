"""What has happened to a portfolio, for its page: its submissions (frozen snapshots), its
review reports, the support plans still open and its structured records (what the
completeness count needs of them), read in one query as plain rows.

Separate lists of entities were separate round trips and sets of objects to build on the
portal's busiest candidate page; the lists only show dates, codes and states. Every part
shares the same eleven columns: (source, id, moment, later moment, three texts, a long
text, two days, and the open plan's id).
"""

import functools
from datetime import date, datetime
from typing import NamedTuple

from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    cast,
    literal,
    null,
    or_,
    select,
    union_all,
)

from portal.core.db import db
from portal.core.types import UTCDateTime

SNAPSHOT = "snapshot"
REPORT = "report"
RECORD = "record"


class Submission(NamedTuple):
    id: int
    submitted_at: datetime
    withdrawn_at: datetime | None
    purpose: str
    review_point_code: str | None
    sha256: str


class ReportRow(NamedTuple):
    """A review report as the portfolio lists it (who may open it goes by its state)."""

    id: int
    created_at: datetime
    state: str
    review_point_code: str
    outcome: str | None


class OpenPlan(NamedTuple):
    id: int
    report_id: int
    opened_on: date
    review_on: date
    concerns: str


class RecordRow(NamedTuple):
    """A structured record (supervision, a development plan...) as completeness counts it."""

    kind: str
    stage_code: str | None
    day: date | None


class History(NamedTuple):
    submissions: list[Submission]  # newest first; only the current one when not asked
    current: Submission | None  # the submission the portfolio stands on, if any
    reports: list[ReportRow]  # oldest first
    open_plans: list[OpenPlan]  # soonest check first
    records: list[RecordRow]  # in no particular order


@functools.cache
def _history_statement():
    """Snapshots (every one when :all_submissions, else only the current), reports with
    their open support plan and the records' kinds, stages and days, in one UNION ALL."""
    from portal.assessment.models import ReviewReport, SupportPlan
    from portal.portfolios.models import PortfolioSnapshot
    from portal.portfolios.record_sources import record_sources

    portfolio_id = bindparam("portfolio_id")
    no_day = cast(null(), Date)
    snapshots = (
        select(cast(literal(SNAPSHOT), String).label("source"), PortfolioSnapshot.id,
               PortfolioSnapshot.submitted_at.label("moment"),
               PortfolioSnapshot.withdrawn_at.label("later"),
               cast(PortfolioSnapshot.purpose, String).label("text_1"),
               cast(PortfolioSnapshot.review_point_code, String).label("text_2"),
               cast(PortfolioSnapshot.sha256, String).label("text_3"),
               cast(null(), Text).label("long_text"), no_day.label("day_1"),
               no_day.label("day_2"), cast(null(), Integer).label("plan_id"))
        .where(PortfolioSnapshot.portfolio_id == portfolio_id,
               or_(bindparam("all_submissions", type_=Boolean),
                   PortfolioSnapshot.id == bindparam("current_snapshot_id", type_=Integer)))
    )
    # A report opens at most one support plan; only an open one is listed. The plan's
    # own portfolio id (always its report's) lets PostgreSQL find it by index: joined on
    # the report alone, it read every open plan in the country to hash them.
    reports = (
        select(cast(literal(REPORT), String), ReviewReport.id, ReviewReport.created_at,
               cast(null(), UTCDateTime()), cast(ReviewReport.state, String),
               cast(ReviewReport.review_point_code, String),
               cast(ReviewReport.outcome, String), SupportPlan.concerns,
               SupportPlan.opened_on, SupportPlan.review_on, SupportPlan.id)
        .outerjoin(SupportPlan, and_(SupportPlan.report_id == ReviewReport.id,
                                     SupportPlan.portfolio_id == portfolio_id,
                                     SupportPlan.closed_on.is_(None)))
        .where(ReviewReport.portfolio_id == portfolio_id)
    )
    no_time, no_text, no_id = cast(null(), UTCDateTime()), cast(null(), String), \
        cast(null(), Integer)
    records = [
        select(cast(literal(RECORD), String), no_id, no_time, no_time,
               cast(literal(source.kind.value), String), source.stage, no_text,
               cast(null(), Text), source.day, no_day, no_id)
        .where(source.model.portfolio_id == portfolio_id)
        for source in record_sources()
    ]
    # Snapshots first: a UNION takes its column types from its first SELECT.
    return union_all(snapshots, reports, *records)


def portfolio_history(portfolio, all_submissions: bool) -> History:
    """The portfolio's submissions, reports and open support plans. `all_submissions`
    false reads only the current submission (for people who may not see the evidence)."""
    rows = db.session.execute(_history_statement(), {
        "portfolio_id": portfolio.id, "all_submissions": all_submissions,
        "current_snapshot_id": portfolio.current_snapshot_id}).all()
    submissions, reports, plans, records = [], [], [], []
    for (source, row_id, moment, later, text_1, text_2, text_3, concerns, opened_on,
         review_on, plan_id) in rows:
        if source == SNAPSHOT:
            submissions.append(Submission(row_id, moment, later, text_1, text_2, text_3))
        elif source == RECORD:
            records.append(RecordRow(text_1, text_2, opened_on))  # kind, stage, day
        else:
            reports.append(ReportRow(row_id, moment, text_1, text_2, text_3))
            if plan_id is not None:
                plans.append(OpenPlan(plan_id, row_id, opened_on, review_on, concerns))
    submissions.sort(key=lambda s: (s.submitted_at, s.id), reverse=True)
    reports.sort(key=lambda r: (r.created_at, r.id))
    plans.sort(key=lambda plan: (plan.review_on, plan.id))
    current = next((s for s in submissions if s.id == portfolio.current_snapshot_id), None)
    return History(submissions if all_submissions else [], current, reports, plans, records)
