"""The progression report: each portfolio's standing panel decision, counted by programme
and cohort, and the time from starting to a final decision."""

from collections import namedtuple
from datetime import UTC, date, datetime, timedelta

import pytest

from portal.assessment.reports.operations import pcf_domains
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.panels import agenda, corrections, decisions
from portal.reports.filters import financial_year_of
from portal.reports.progression import progression_report
from tests.conftest import count_queries, page, sign_in
from tests.panels.conftest import everyone_present, new_panel, ready_for_panel

Row = namedtuple("Row", "programme_name cohort_id cohort_name cohort_start start_date outcome "
                        "decided_at")
ACTIONS = [("Complete a third observation", "Candidate", date(2100, 1, 1))]


def _details(item, code: str) -> decisions.DecisionDetails:
    extra = {} if code == "approved" else {"actions": ACTIONS}
    if code == "deferred":
        extra["evidence_due_on"] = today_in_england() + timedelta(days=30)
    return decisions.DecisionDetails(code=code, rationale="Reasons.",
                                     domain_ids=[d.id for d in pcf_domains(item.portfolio)[:2]],
                                     **extra)


def _decided(council, codes: list[str | None]) -> list:
    """A portfolio per code on one panel sitting today, each decided with its code (None:
    on the agenda, not decided yet); returns the decisions."""
    portfolios = [ready_for_panel(council["org"], council["lead"], council["assessor"])
                  for _ in codes]
    panel = new_panel(council, portfolios[0].programme_id)
    items = [agenda.place_on_agenda(council["lead"], panel, p) for p in portfolios]
    everyone_present(panel)
    found = []
    for item, code in zip(items, codes, strict=True):
        if code:
            found.append(decisions.record_decision(council["chair"], item, item.version,
                                                   _details(item, code), today_in_england()))
    db.session.commit()
    return found


def test_time_to_decision_counts_final_decisions_only():
    start = date(2025, 9, 1)
    at = datetime(2026, 9, 1, 10, tzinfo=UTC)
    rows = [Row("ASYE", 1, "Sept", start, start, "approved", at),
            Row("ASYE", 1, "Sept", start, start, "not_approved", at + timedelta(days=61)),
            Row("ASYE", 1, "Sept", start, start, "deferred", at),
            Row("ASYE", 1, "Sept", start, start, None, None)]
    report = progression_report(rows)
    (group,) = report.groups
    assert group.portfolios == 4 and group.awaiting == 1
    assert len(group.months) == 2
    assert group.median_months == 13.0  # 12.0 and 14.0 months
    assert report.summary() == ("Of 3 portfolios decided by a panel, 1 (33%) was approved, "
                                "a median of 13.0 months after starting.")


def test_outcomes_by_programme_and_cohort_with_a_correction_replacing_its_decision(
        client, council):
    found = _decided(council, ["approved", "approved", "not-approved", "deferred", None])
    corrections.correct_decision(council["chair"], found[1],
                                 _details(found[1].agenda_item, "approved-with-actions"),
                                 "Actions were agreed", today_in_england())
    db.session.commit()
    sign_in(client, council["lead"])
    response = client.get("/workforce/progression")
    assert response.status_code == 200
    soup = page(response)
    chart = [t.get_text() for t in soup.select("#progression-chart text.portal-chart__value")]
    table = [row.select_one("td").get_text() for row in
             soup.select(".portal-chart-table tbody tr")]
    assert chart == table == ["1 (25%)", "1 (25%)", "1 (25%)", "1 (25%)"]
    total = [cell.get_text() for cell in soup.select(".portal-table-scroll tbody tr")[-1]
             .select("th, td")]
    assert total[:9] == ["All programmes", "All cohorts", "5", "1", "1", "1", "1", "1", "3"]
    assert soup.select_one("#progression-summary").get_text().startswith(
        "Of 4 portfolios decided by a panel, 2 (50%) were approved, a median of")


def test_a_period_counts_the_decisions_made_in_it(client, council):
    _decided(council, ["approved"])
    sign_in(client, council["lead"])
    this_year = financial_year_of(today_in_england())
    last_year = financial_year_of(this_year.first_day - timedelta(days=1))
    now = page(client.get(f"/workforce/progression?period={this_year.code}"))
    assert now.select_one("#progression-summary").get_text().startswith("Of 1 portfolio ")
    before = page(client.get(f"/workforce/progression?period={last_year.code}"))
    assert before.select_one("#progression-summary").get_text() == (
        "No portfolio in this selection has a panel decision yet.")


@pytest.mark.parametrize("many", [False, True])
def test_the_page_costs_a_bounded_number_of_statements(client, council, many):
    _decided(council, ["approved", "not-approved"] * (3 if many else 1))
    sign_in(client, council["lead"])
    with count_queries() as seen:
        assert client.get("/workforce/progression").status_code == 200
    assert len(seen) <= 10
    # Pinned, so that few and many portfolios cost the same.
    assert len(seen) == 5
