"""Whether the assessor has accepted each of the portfolio's evidence entries, for the
sufficiency page and the snapshot page.

The assessor accepts an entry in its feedback thread, which portal.assessment owns (a
layer above this one), so that package registers how acceptance is read; here it is only
shown. "Changed since accepted" is derived from the times (the entry's last change after
its acceptance), never kept as a column of its own.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.portfolios.models import Portfolio, PortfolioEntry


@dataclass(frozen=True)
class Acceptance:
    accepted_at: datetime | None = None
    entry_updated_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    @property
    def changed_since_accepted(self) -> bool:
        return (self.accepted and self.entry_updated_at is not None
                and self.entry_updated_at > self.accepted_at)


NOT_YET = Acceptance()

# entry ids -> {entry id: when it was (last) accepted, if it stands}
AcceptanceReader = Callable[[list[int]], dict[int, datetime]]
_readers: list[AcceptanceReader] = []


def read_acceptance_with(reader: AcceptanceReader) -> None:
    """Called once by the package that records acceptance."""
    if reader not in _readers:
        _readers.append(reader)


def acceptance_of(entry_ids: Iterable[int]) -> dict[int, Acceptance]:
    """Each entry's acceptance (NOT_YET for entries nobody has accepted)."""
    ids = sorted(set(entry_ids))
    if not ids:
        return {}
    accepted: dict[int, datetime] = {}
    for reader in _readers:
        accepted.update(reader(ids))
    updated = dict(db.session.execute(
        select(EvidenceEntry.id, EvidenceEntry.updated_at)
        .where(EvidenceEntry.id.in_(list(accepted)))).all()) if accepted else {}
    return {entry_id: Acceptance(accepted[entry_id], updated.get(entry_id))
            if entry_id in accepted else NOT_YET for entry_id in ids}


@dataclass(frozen=True)
class EntryAcceptance:
    entry_id: int
    title: str
    acceptance: Acceptance


def portfolio_acceptance(portfolio: Portfolio) -> list[EntryAcceptance]:
    """The entries in the portfolio, in the order they were added, with their acceptance."""
    rows = db.session.execute(
        select(EvidenceEntry.id, EvidenceEntry.title)
        .join(PortfolioEntry, PortfolioEntry.entry_id == EvidenceEntry.id)
        .where(PortfolioEntry.portfolio_id == portfolio.id)
        .order_by(PortfolioEntry.id)).all()
    accepted = acceptance_of(entry_id for entry_id, _ in rows)
    return [EntryAcceptance(entry_id, title, accepted[entry_id]) for entry_id, title in rows]
