"""Who may make, review and read anonymised copies: a programme lead of the candidate's
council (who may read the snapshot, audited). Administrators may not read snapshots in the
visibility table, so they do not reach copies either: changing that is the table's
decision, not this package's. Anyone else, another council's snapshot, or a snapshot of
another portfolio gets 404."""

from flask import abort

from portal.core.db import db
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import PortfolioSnapshot
from portal.visibility import Kind, Relation

REVIEWERS = {Relation.PROGRAMME_LEAD}


def snapshot_for_reviewer_or_404(portfolio_id: int, snapshot_id: int) -> PortfolioSnapshot:
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, Kind.SNAPSHOT)
    snapshot = db.session.get(PortfolioSnapshot, snapshot_id)
    if (snapshot is None or snapshot.portfolio_id != portfolio.id
            or not REVIEWERS & seen_by.relations
            or not seen_by.can_read(Kind.SNAPSHOT, snapshot.submitted_at)):
        abort(404)
    return snapshot
