"""Who may see and change a portfolio. Loaders own the 404 decision."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from portal.accounts.models import User
from portal.assignments.access import assesses, manages
from portal.core.db import db
from portal.portfolios.models import Portfolio


def can_view_portfolio(user: User, portfolio: Portfolio) -> bool:
    """The candidate, their assessor (current, or read-only a previous one) and their
    current line manager. Panels see only submitted snapshots."""
    if not user.is_authenticated:
        return False
    if portfolio.candidate_id == user.id:
        return True
    return assesses(user, portfolio.candidate_id, include_past=True) or manages(
        user, portfolio.candidate_id)


def can_edit_portfolio(user: User, portfolio: Portfolio) -> bool:
    return user.is_authenticated and portfolio.candidate_id == user.id


# What every portfolio page reads, in the portfolio's own query: the programme (whose
# config_key finds its cached configuration), the schedule's total extension, and the
# pinned frameworks and review points (a handful of rows each, and a round trip apiece
# when loaded on their own).
PAGE_OPTIONS = (joinedload(Portfolio.programme), undefer(Portfolio.extension_total),
                joinedload(Portfolio.frameworks), joinedload(Portfolio.review_points))


def get_portfolio_or_404(portfolio_id: int, for_edit: bool = False) -> Portfolio:
    portfolio = db.session.execute(
        select(Portfolio).where(Portfolio.id == portfolio_id).options(*PAGE_OPTIONS)
    ).unique().scalar_one_or_none()
    if portfolio is None:
        abort(404)
    allowed = can_edit_portfolio if for_edit else can_view_portfolio
    if not allowed(current_user, portfolio):
        abort(404)
    return portfolio


def portfolios_of(candidate: User) -> list[Portfolio]:
    """The candidate's portfolios, newest programme start first."""
    return db.session.scalars(
        select(Portfolio)
        .where(Portfolio.candidate_id == candidate.id)
        .order_by(Portfolio.start_date.desc(), Portfolio.id.desc())
    ).all()
