"""Who may ask for and download a pack: exactly those who may read the snapshot, from
where they read it. Each loader owns its 404 (another council's, or a snapshot someone may
not read, does not exist for them)."""

from flask import abort
from flask_login import current_user

from portal.core.db import db
from portal.panels.access import get_panel_for_member, get_sitting_item_or_404
from portal.panels.models import AgendaItem
from portal.portfolios.access import read_portfolio_or_404
from portal.portfolios.models import PortfolioSnapshot
from portal.visibility import Kind, require


def snapshot_for_reader_or_404(portfolio_id: int, snapshot_id: int) -> PortfolioSnapshot:
    """The snapshot, for the candidate, their assessors and the council's leads (the
    table's snapshot row); a previous assessor only for a snapshot made before they
    handed over. Panel members read it from their agenda instead."""
    portfolio, seen_by = read_portfolio_or_404(portfolio_id, Kind.SNAPSHOT)
    snapshot = db.session.get(PortfolioSnapshot, snapshot_id)
    if (snapshot is None or snapshot.portfolio_id != portfolio.id
            or not seen_by.can_read(Kind.SNAPSHOT, snapshot.submitted_at)):
        abort(404)
    return snapshot


def item_for_member_or_404(panel_id: int, item_id: int) -> AgendaItem:
    """The agenda item, for a member of its panel who may sit on it (a conflict of interest
    is 404): their pack is the anonymised one."""
    panel = get_panel_for_member(panel_id)
    item = get_sitting_item_or_404(panel, item_id)
    require(Kind.SNAPSHOT, item.portfolio.candidate_id, on_panel=True)
    return item


def may_download(pack) -> bool:
    """A pack is its requester's alone."""
    return pack is not None and pack.requested_by_id == current_user.id
