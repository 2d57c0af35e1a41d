"""Read models for the portfolio pages: plain rows, each query over the whole portfolio at
once, so a page asks the same number of queries however much the portfolio holds."""

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from sqlalchemy import (
    Row,
    Select,
    String,
    and_,
    cast,
    func,
    literal,
    null,
    select,
    union_all,
)

from portal.core.dates import start_of_day_in_england
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from portal.portfolios.models import (
    Portfolio,
    PortfolioEntry,
    PortfolioSnapshot,
    PortfolioState,
    portfolio_framework,
)
from portal.portfolios.records.sources import record_sources
from portal.portfolios.reviews.models import ReviewReport, SupportPlan


def included_entries(portfolio: Portfolio, made_before: date | None = None) -> Sequence[Row]:
    """(item_id, section, entry_id, title, occurred_on, evidence_type) for each entry in
    the portfolio, in the order they were added: the list shows titles and dates (the
    reflections stay in the table). With `made_before`, only entries written before that
    day (what a previous assessor still reads)."""
    statement = (
        select(PortfolioEntry.id.label("item_id"), PortfolioEntry.section,
               EvidenceEntry.id.label("entry_id"), EvidenceEntry.title,
               EvidenceEntry.occurred_on, EvidenceEntry.evidence_type)
        .join(EvidenceEntry, EvidenceEntry.id == PortfolioEntry.entry_id)
        .where(PortfolioEntry.portfolio_id == portfolio.id)
        .order_by(PortfolioEntry.added_at, PortfolioEntry.id)
    )
    if made_before is not None:
        statement = statement.where(EvidenceEntry.created_at < start_of_day_in_england(made_before))
    return db.session.execute(statement).all()


def submissions(portfolio: Portfolio, every_one: bool,
                made_before: date | None = None) -> Sequence[Row]:
    """(id, submitted_at, withdrawn_at, purpose, review_point_code, sha256) for each
    submission, newest first; only the current one unless `every_one`, and only those
    made before `made_before` if given."""
    statement = (
        select(PortfolioSnapshot.id, PortfolioSnapshot.submitted_at,
               PortfolioSnapshot.withdrawn_at, PortfolioSnapshot.purpose,
               PortfolioSnapshot.review_point_code, PortfolioSnapshot.sha256)
        .where(PortfolioSnapshot.portfolio_id == portfolio.id)
        .order_by(PortfolioSnapshot.submitted_at.desc(), PortfolioSnapshot.id.desc())
    )
    if not every_one:
        statement = statement.where(PortfolioSnapshot.id == portfolio.current_snapshot_id)
    if made_before is not None:
        statement = statement.where(
            PortfolioSnapshot.submitted_at < start_of_day_in_england(made_before))
    return db.session.execute(statement).all()


def reports(portfolio: Portfolio) -> Sequence[Row]:
    """(id, created_at, state, review_point_code, outcome) for each review report, oldest
    first, with the support plan it opened while that is still open (plan_id, opened_on,
    review_on, concerns, and plan_decision_id when a panel's deferral of the final report
    opened it; all None otherwise). A report opens at most one plan."""
    # The plan's own portfolio id (always its report's) lets PostgreSQL find it by index:
    # joined on the report alone, it read every open plan in the country to hash them.
    return db.session.execute(
        select(ReviewReport.id, ReviewReport.created_at, ReviewReport.state,
               ReviewReport.review_point_code, ReviewReport.outcome,
               SupportPlan.id.label("plan_id"), SupportPlan.opened_on,
               SupportPlan.review_on, SupportPlan.concerns,
               SupportPlan.decision_id.label("plan_decision_id"))
        .outerjoin(SupportPlan, and_(SupportPlan.report_id == ReviewReport.id,
                                     SupportPlan.portfolio_id == portfolio.id,
                                     SupportPlan.closed_on.is_(None)))
        .where(ReviewReport.portfolio_id == portfolio.id)
        .order_by(ReviewReport.created_at, ReviewReport.id)
    ).all()


def _records(portfolio: Portfolio):
    """(source, kind, stage, day) for each structured record: one SELECT per kind of
    record, the same four named columns in each."""
    return [
        select(cast(literal("record"), String).label("source"),
               cast(literal(source.kind.value), String).label("kind"),
               source.stage.label("stage"), source.day.label("day"))
        .where(source.model.portfolio_id == portfolio.id)
        for source in record_sources()
    ]


def records(portfolio: Portfolio) -> Sequence[Row]:
    """(source, kind, stage, day) for each structured record of the portfolio (a
    supervision, a development plan...): what completeness counts of them."""
    return db.session.execute(union_all(*_records(portfolio))).all()


def counted(portfolio: Portfolio, with_links: bool = False,
            with_records: bool = True) -> Sequence[Row]:
    """(source, kind, stage, day, number): the portfolio's entries by type and day
    (source "evidence"), and (`with_records`) its records by kind and stage or day
    ("record"). `with_links` adds the entries' links by element id and day ("link", for
    the heat map), so a page showing both asks once."""
    no_stage = cast(null(), String)
    branches = [
        select(cast(literal("evidence"), String).label("source"),
               cast(EvidenceEntry.evidence_type, String).label("kind"),
               no_stage.label("stage"), EvidenceEntry.occurred_on.label("day"))
        .join(PortfolioEntry, PortfolioEntry.entry_id == EvidenceEntry.id)
        .where(PortfolioEntry.portfolio_id == portfolio.id),
    ]
    if with_records:
        branches += _records(portfolio)
    if with_links:
        branches.append(
            select(cast(literal("link"), String).label("source"),
                   cast(EvidenceLink.element_id, String).label("kind"),
                   no_stage.label("stage"), EvidenceEntry.occurred_on.label("day"))
            .join(EvidenceEntry, EvidenceEntry.id == EvidenceLink.entry_id)
            .join(PortfolioEntry, PortfolioEntry.entry_id == EvidenceEntry.id)
            .where(PortfolioEntry.portfolio_id == portfolio.id))
    rows = union_all(*branches).subquery()
    return db.session.execute(
        select(rows.c.source, rows.c.kind, rows.c.stage, rows.c.day,
               func.count().label("number"))
        .group_by(rows.c.source, rows.c.kind, rows.c.stage, rows.c.day)
    ).all()


def recorded_entries(portfolio: Portfolio) -> Sequence[Row]:
    """(entry_id, title, occurred_on, created_at, in_portfolio) for every entry the
    candidate logged: when it happened, when it was recorded and whether it is in this
    portfolio."""
    return db.session.execute(
        select(EvidenceEntry.id.label("entry_id"), EvidenceEntry.title,
               EvidenceEntry.occurred_on, EvidenceEntry.created_at,
               PortfolioEntry.id.is_not(None).label("in_portfolio"))
        .outerjoin(PortfolioEntry, and_(PortfolioEntry.entry_id == EvidenceEntry.id,
                                        PortfolioEntry.portfolio_id == portfolio.id))
        .where(EvidenceEntry.candidate_id == portfolio.candidate_id)
    ).all()


class OpenPlan(NamedTuple):
    id: int
    report_id: int
    opened_on: date
    review_on: date
    concerns: str
    decision_id: int | None  # the panel's deferral that opened it, if one did


def open_support_plans(report_rows: Sequence[Row]) -> list[OpenPlan]:
    """The open support plans among rows of `reports`, soonest check first."""
    plans = [OpenPlan(row.plan_id, row.id, row.opened_on, row.review_on, row.concerns,
                      row.plan_decision_id)
             for row in report_rows if row.plan_id is not None]
    return sorted(plans, key=lambda plan: (plan.review_on, plan.id))


def pinned_framework_ids(candidate_id: int) -> Select:
    """The framework versions the candidate's open portfolios are pinned to: what their
    evidence is linked to from now on (a lead may have moved the cohort to a new version)."""
    return (select(portfolio_framework.c.framework_id)
            .join(Portfolio, Portfolio.id == portfolio_framework.c.portfolio_id)
            .where(Portfolio.candidate_id == candidate_id,
                   Portfolio.state != PortfolioState.DECIDED.value))
