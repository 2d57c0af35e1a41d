"""Read models for support plans: plain rows saying how each plan opened, whatever page
shows it (the plan's own page, the candidate's home)."""

from collections.abc import Sequence

from sqlalchemy import Row, and_, select

from portal.accounts.models import User
from portal.core.db import db
from portal.portfolios.models import Portfolio, PortfolioReviewPoint
from portal.portfolios.reviews.models import ReviewReport, SupportPlan, SupportPlanState


def _summaries():
    """(id, state, opened_on, review_on, concerns, report_id, decision_id, agreed_on,
    agreed_by, review_point): `review_point` is the title of the review whose report
    opened the plan (or the final report a deferral followed), `agreed_by` the name of
    whoever recorded the agreement."""
    return (
        select(SupportPlan.id, SupportPlan.state, SupportPlan.opened_on, SupportPlan.review_on,
               SupportPlan.concerns, SupportPlan.report_id, SupportPlan.decision_id,
               SupportPlan.agreed_on, User.name.label("agreed_by"),
               PortfolioReviewPoint.title.label("review_point"))
        .join(ReviewReport, ReviewReport.id == SupportPlan.report_id)
        .outerjoin(PortfolioReviewPoint,
                   and_(PortfolioReviewPoint.portfolio_id == SupportPlan.portfolio_id,
                        PortfolioReviewPoint.code == ReviewReport.review_point_code))
        .outerjoin(User, User.id == SupportPlan.agreed_by_id)
    )


def summary(plan_id: int) -> Row:
    return db.session.execute(_summaries().where(SupportPlan.id == plan_id)).one()


def open_plans_of(candidate_id: int) -> Sequence[Row]:
    """The candidate's plans not yet closed, on any of their portfolios, next check first."""
    return db.session.execute(
        _summaries().join(Portfolio, Portfolio.id == SupportPlan.portfolio_id)
        .where(Portfolio.candidate_id == candidate_id,
               SupportPlan.state != SupportPlanState.CLOSED.value)
        .order_by(SupportPlan.review_on, SupportPlan.id)
    ).all()
