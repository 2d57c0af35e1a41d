"""Who may see and change a portfolio. Loaders own the 404 decision."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.portfolios.models import Portfolio


def can_view_portfolio(user: User, portfolio: Portfolio) -> bool:
    """The candidate. Assigned assessors and line managers join in issue 5; panels see
    only submitted snapshots (issue 6)."""
    return user.is_authenticated and portfolio.candidate_id == user.id


def can_edit_portfolio(user: User, portfolio: Portfolio) -> bool:
    return user.is_authenticated and portfolio.candidate_id == user.id


def get_portfolio_or_404(portfolio_id: int, for_edit: bool = False) -> Portfolio:
    portfolio = db.session.get(Portfolio, portfolio_id)
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
