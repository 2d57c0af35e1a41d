"""The partnership report: panel outcomes added up council by council, for the councils
that share their figures with the reader's council (and the reader's own). Counts only,
never a name, and always with small counts hidden: the report crosses councils, so every
copy of it is treated as a board's copy."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from portal.reports.downloads import for_board
from portal.reports.progression import OUTCOMES
from portal.reports.retention import MILESTONES, RetentionGroup
from portal.reports.tables import ReportTable


@dataclass
class PartnershipReport:
    councils: list  # (id, name) of the councils whose figures are added in, by name
    not_sharing: list  # names of the partnership's councils that do not share with you
    counts: dict  # council id -> Counter of outcomes
    retention: dict  # council id -> RetentionGroup of everyone who started there

    def retention_table(self, suppress_under: int) -> ReportTable:
        """In post 12 months after starting, council by council (everyone who started at
        least 12 months ago counts; small counts hidden as in every copy of this report)."""
        months = MILESTONES[0]
        headers = ["Council", f"Reached {months} months", f"In post at {months} months",
                   f"In post at {months} months (%)"]
        rows, total = [], RetentionGroup("", "")
        for council_id, name in self.councils:
            group = self.retention.get(council_id, RetentionGroup("", ""))
            total.reached[months] += group.reached[months]
            total.stayed[months] += group.stayed[months]
            rows.append([name, group.reached[months], group.stayed[months],
                         group.rate(months)])
        rows.append(["All these councils", total.reached[months], total.stayed[months],
                     total.rate(months)])
        table = ReportTable(f"Still in post {months} months after starting, by council",
                            headers, rows, counts=frozenset({1, 2}),
                            derived_from={3: (1, 2)}, units={3: "%"}, total_row=True)
        return _hide_few_leavers(for_board(table, suppress_under), suppress_under)

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


def _hide_few_leavers(table: ReportTable, under: int) -> ReportTable:
    """Reached minus in post is how many left: where that is a small number, the count in
    post (and its rate) is not shown, and neither is the total's, which would give it back."""
    body, total = table.rows[:-1], table.rows[-1]

    def few_left(row) -> bool:
        reached, stayed = row[1], row[2]
        return (isinstance(reached, int) and isinstance(stayed, int)
                and 0 < reached - stayed < under)

    hidden = [row for row in body if few_left(row) or isinstance(row[2], str)]
    for row in body:
        if few_left(row):
            row[2] = row[3] = "not shown"
    if hidden or few_left(total):
        total[2] = total[3] = "not shown"
    return table


def partnership_report(partnership, reader_council_id: int, sharing_ids: set[int],
                       rows, memberships, today: date) -> PartnershipReport:
    """`rows` are (organisation id, outcome, portfolios) and `memberships` (organisation
    id, start, joined, left) of the councils added in."""
    added = sharing_ids | {reader_council_id}
    counts: dict[int, Counter] = {}
    for row in rows:
        counts.setdefault(row.organisation_id, Counter())[row.outcome] += row.portfolios
    retention: dict[int, RetentionGroup] = {}
    for membership in memberships:
        retention.setdefault(membership.organisation_id,
                             RetentionGroup("", "")).add(membership, today)
    return PartnershipReport(
        councils=[(c.id, c.name) for c in partnership.councils if c.id in added],
        not_sharing=[c.name for c in partnership.councils if c.id not in added],
        counts=counts, retention=retention)
