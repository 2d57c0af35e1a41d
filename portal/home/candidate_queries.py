"""What the candidate's home reads to say where they are: one query per kind of thing
over all of the candidate's portfolios, so the page asks the same number of queries
however many portfolios, review points, decisions or actions there are."""

from collections.abc import Sequence

from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from portal.core.db import db
from portal.panels.models import AgendaItem, Panel, PanelDecision
from portal.portfolios.models import Portfolio, PortfolioReviewPoint, PortfolioSnapshot
from portal.portfolios.reviews.models import ReviewReport
from portal.programmes.models import Programme


def portfolios(candidate_id: int) -> Sequence[Row]:
    """(id, state, programme, purpose, review_point_code, submitted_at, report_state,
    returned_report_id, panel_on) for each of the candidate's portfolios, newest first:
    what is submitted now and for what, the state of the report on that submission, the
    latest report that returned a submission, and the date of the panel whose agenda
    the portfolio waits on."""
    report_state = (
        select(ReviewReport.state)
        .where(ReviewReport.snapshot_id == Portfolio.current_snapshot_id)
        .order_by(ReviewReport.id.desc()).limit(1)
        .correlate(Portfolio).scalar_subquery()
    )
    returned_report_id = (
        select(ReviewReport.id)
        .where(ReviewReport.portfolio_id == Portfolio.id, ReviewReport.outcome == "returned")
        .order_by(ReviewReport.id.desc()).limit(1)
        .correlate(Portfolio).scalar_subquery()
    )
    return db.session.execute(
        select(Portfolio.id, Portfolio.state, Programme.name.label("programme"),
               PortfolioSnapshot.purpose, PortfolioSnapshot.review_point_code,
               PortfolioSnapshot.submitted_at, report_state.label("report_state"),
               returned_report_id.label("returned_report_id"),
               Panel.sits_on.label("panel_on"))
        .join(Programme, Programme.id == Portfolio.programme_id)
        .outerjoin(PortfolioSnapshot, PortfolioSnapshot.id == Portfolio.current_snapshot_id)
        # A portfolio waits on at most one agenda (a partial unique index).
        .outerjoin(AgendaItem, and_(AgendaItem.portfolio_id == Portfolio.id,
                                    AgendaItem.state == "waiting"))
        .outerjoin(Panel, Panel.id == AgendaItem.panel_id)
        .where(Portfolio.candidate_id == candidate_id)
        .order_by(Portfolio.start_date.desc(), Portfolio.id.desc())
    ).all()


def review_points_to_do(candidate_id: int) -> Sequence[Row]:
    """(portfolio_id, code, title, due_on, optional, is_final) for every review point not
    yet completed on the candidate's portfolios, soonest first."""
    return db.session.execute(
        select(PortfolioReviewPoint.portfolio_id, PortfolioReviewPoint.code,
               PortfolioReviewPoint.title, PortfolioReviewPoint.due_on,
               PortfolioReviewPoint.optional, PortfolioReviewPoint.is_final)
        .join(Portfolio, Portfolio.id == PortfolioReviewPoint.portfolio_id)
        .where(Portfolio.candidate_id == candidate_id,
               PortfolioReviewPoint.completed_on.is_(None))
        .order_by(PortfolioReviewPoint.due_on, PortfolioReviewPoint.position)
    ).all()


def latest_decisions(candidate_id: int) -> list[PanelDecision]:
    """The latest panel decision on each of the candidate's portfolios (a correction is
    newer than what it corrects), with its agenda item and its actions."""
    latest = (
        select(func.max(PanelDecision.id))
        .join(Portfolio, Portfolio.id == PanelDecision.portfolio_id)
        .where(Portfolio.candidate_id == candidate_id)
        .group_by(PanelDecision.portfolio_id)
    )
    return db.session.scalars(
        select(PanelDecision).where(PanelDecision.id.in_(latest))
        .options(joinedload(PanelDecision.agenda_item), selectinload(PanelDecision.actions))
    ).all()
