"""The partnership report: panel outcomes added up council by council, for the councils
that share their figures with the reader's council (and the reader's own). Counts only,
never a name, and always with small counts hidden: the report crosses councils, so every
copy of it is treated as a board's copy."""

from collections import Counter
from dataclasses import dataclass

from portal.reports.downloads import for_board
from portal.reports.progression import OUTCOMES
from portal.reports.tables import ReportTable


@dataclass
class PartnershipReport:
    councils: list  # (id, name) of the councils whose figures are added in, by name
    not_sharing: list  # names of the partnership's councils that do not share with you
    counts: dict  # council id -> Counter of outcomes

    def table(self, suppress_under: int) -> ReportTable:
        headers = ["Council", "Portfolios decided", *(label for _, label in OUTCOMES)]
        rows, total = [], Counter()
        for council_id, name in self.councils:
            outcomes = self.counts.get(council_id, Counter())
            total.update(outcomes)
            rows.append([name, sum(outcomes.values()),
                         *(outcomes[outcome.value] for outcome, _ in OUTCOMES)])
        rows.append(["All these councils", sum(total.values()),
                     *(total[outcome.value] for outcome, _ in OUTCOMES)])
        # "Portfolios decided" adds up the outcomes: shown beside a hidden outcome it
        # would give that outcome away, so it is hidden with it.
        outcome_columns = tuple(range(2, len(headers)))
        table = ReportTable("Panel outcomes by council", headers, rows,
                            counts=frozenset(range(1, len(headers))),
                            derived_from={1: outcome_columns}, total_row=True)
        return for_board(table, suppress_under)


def partnership_report(partnership, reader_council_id: int, sharing_ids: set[int],
                       rows) -> PartnershipReport:
    """`rows` are (organisation id, outcome, portfolios) of the councils added in."""
    added = sharing_ids | {reader_council_id}
    counts: dict[int, Counter] = {}
    for row in rows:
        counts.setdefault(row.organisation_id, Counter())[row.outcome] += row.portfolios
    return PartnershipReport(
        councils=[(c.id, c.name) for c in partnership.councils if c.id in added],
        not_sharing=[c.name for c in partnership.councils if c.id not in added],
        counts=counts)
