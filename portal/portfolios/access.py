"""Who may see and change a portfolio: the visibility table decides (portal/visibility).
Loaders own the 404 decision."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, undefer

from portal.accounts.models import User
from portal.core.db import db
from portal.portfolios.models import Portfolio
from portal.visibility import Kind, Viewer, viewer


def can_view_portfolio(user: User, portfolio: Portfolio) -> bool:
    """Whoever may read any kind of its records: the candidate, their assessors, their
    current line manager and the council's programme leads. Panels see only snapshots."""
    return viewer(user, portfolio.candidate_id).opens_portfolio


def can_edit_portfolio(user: User, portfolio: Portfolio) -> bool:
    return viewer(user, portfolio.candidate_id).can_edit(Kind.EVIDENCE)


# What every portfolio page reads, in the portfolio's own query: the programme (whose
# config_key finds its cached configuration), the schedule's total extension, the
# pinned frameworks and review points (a handful of rows each, and a round trip apiece
# when loaded on their own).
PAGE_OPTIONS = (joinedload(Portfolio.programme), undefer(Portfolio.extension_total),
                joinedload(Portfolio.frameworks), joinedload(Portfolio.review_points))


def _portfolio(portfolio_id: int) -> Portfolio:
    portfolio = db.session.execute(
        select(Portfolio).where(Portfolio.id == portfolio_id).options(*PAGE_OPTIONS)
    ).unique().scalar_one_or_none()
    if portfolio is None:
        abort(404)
    return portfolio


def get_portfolio_or_404(portfolio_id: int, for_edit: bool = False) -> Portfolio:
    """The portfolio for its overview (or, with `for_edit`, for its candidate's changes)."""
    return read_portfolio_or_404(portfolio_id, for_edit=for_edit)[0]


def read_portfolio_or_404(portfolio_id: int, kind: Kind | None = None,
                          for_edit: bool = False) -> tuple[Portfolio, Viewer]:
    """The portfolio and how the signed-in person stands to its candidate, if they may
    read (or, with `for_edit`, change) `kind` of its records; with no kind, if they may
    open its overview. Anyone else gets 404."""
    portfolio = _portfolio(portfolio_id)
    seen_by = viewer(current_user, portfolio.candidate_id)
    if for_edit:
        allowed = seen_by.can_edit(kind or Kind.EVIDENCE)
    elif kind is None:
        allowed = seen_by.opens_portfolio
    else:
        allowed = seen_by.can_read(kind)
    if not allowed:
        abort(404)
    return portfolio, seen_by


def portfolios_of(candidate: User) -> list[Portfolio]:
    """The candidate's portfolios, newest programme start first."""
    return db.session.scalars(
        select(Portfolio)
        .where(Portfolio.candidate_id == candidate.id)
        .order_by(Portfolio.start_date.desc(), Portfolio.id.desc())
    ).all()
