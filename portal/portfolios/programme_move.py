"""Re-pointing a portfolio at another version of its programme (a lead moves its cohort).

Review points already completed stay as they were (they are history). The others follow
the new version: new months are dated from the candidate's start plus any recorded
extension, new points are added, and points the new version no longer has are removed.
Framework links, evidence and submitted snapshots are not touched.
"""

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.portfolios.models import Portfolio, PortfolioReviewPoint
from portal.portfolios.operations import extension_days
from portal.portfolios.schedule.dates import due_date
from portal.programmes.models import Programme


def repoint(actor: User, portfolio: Portfolio, target: Programme) -> None:
    """Flushes and audits; the caller holds the portfolio's row lock."""
    old_programme_id = portfolio.programme_id
    extra = extension_days(portfolio)
    existing = {point.code: point for point in portfolio.review_points}
    wanted = {definition.code for definition in target.review_points}
    for code, point in existing.items():
        if point.completed_on is None and code not in wanted:
            portfolio.review_points.remove(point)
    for definition in target.review_points:
        point = existing.get(definition.code)
        if point is not None and point.completed_on is not None:
            continue
        if point is None:
            point = PortfolioReviewPoint(code=definition.code)
            portfolio.review_points.append(point)
        point.title = definition.title
        point.position = definition.position
        point.optional = definition.optional
        point.is_final = definition.is_final
        point.base_due_on = due_date(portfolio.start_date, definition.due_month, 0)
        point.due_on = due_date(portfolio.start_date, definition.due_month, extra)
    portfolio.programme = target
    db.session.flush()
    audit.record(actor, "portfolio_programme_moved", portfolio,
                 from_programme=old_programme_id, to_programme=target.id)
