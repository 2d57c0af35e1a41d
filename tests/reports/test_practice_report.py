"""The assessment practice report: time to a first word of feedback, time from submission
to a signed-off report, and observations per candidate, per assessor."""

from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from portal.assessment.models import EvidenceFeedback
from portal.core.db import db
from portal.portfolios.models import PortfolioEntry
from portal.portfolios.reviews.models import ReviewReport
from portal.portfolios.snapshots import freeze
from portal.reports.practice import practice_report
from tests import factories
from tests.conftest import count_queries, page
from tests.portfolios.conftest import make_portfolio
from tests.reports.spreadsheets import csv_rows

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _row(**values):
    return SimpleNamespace(**values)


def test_each_entry_counts_once_for_whoever_wrote_first():
    feedback = [
        _row(item_id=1, added_at=MONDAY, staff_id=7, staff_name="Helen Shaw",
             first_at=MONDAY + timedelta(days=3)),
        _row(item_id=1, added_at=MONDAY, staff_id=8, staff_name="David Mensah",
             first_at=MONDAY + timedelta(days=1)),
        _row(item_id=2, added_at=MONDAY, staff_id=7, staff_name="Helen Shaw",
             first_at=MONDAY + timedelta(days=5)),
    ]
    report = practice_report(feedback, [], [])
    assert [(a.name, a.feedback_days) for a in report.assessors] == [
        ("David Mensah", [1.0]), ("Helen Shaw", [5.0])]
    assert report.total.feedback_days == [1.0, 5.0]


def test_reports_and_observations_per_assessor():
    reports = [
        _row(staff_id=7, staff_name="Helen Shaw", submitted_at=MONDAY,
             signed_off_at=MONDAY + timedelta(days=4)),
        _row(staff_id=7, staff_name="Helen Shaw", submitted_at=MONDAY, signed_off_at=None),
    ]
    observations = [
        _row(staff_id=7, staff_name="Helen Shaw", candidate_id=1, observations=3),
        _row(staff_id=7, staff_name="Helen Shaw", candidate_id=2, observations=0),
    ]
    (helen,) = practice_report([], reports, observations).assessors
    assert helen.cells() == ["Helen Shaw", 0, None, 1, 4.0, 1, 2, 3, 1.5]


def _assessed_portfolio(org, assessor, name: str):
    portfolio = make_portfolio(org, candidate=factories.user(org, name=name))
    factories.assignment(portfolio.candidate, assessor, started_on=date(2026, 1, 5))
    entry = factories.evidence_entry(portfolio.candidate)
    db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id,
                                  added_at=MONDAY))
    db.session.add(EvidenceFeedback(entry_id=entry.id, author_id=assessor.id, kind="comment",
                                    body="Good analysis", created_at=MONDAY + timedelta(days=2)))
    snapshot = freeze(portfolio, "panel", None, portfolio.candidate)  # submitted now
    db.session.add(ReviewReport(portfolio_id=portfolio.id, review_point_code="final",
                                snapshot_id=snapshot.id, assessor_id=assessor.id,
                                state="signed_off", outcome="completed",
                                signed_off_at=snapshot.submitted_at + timedelta(days=6)))
    observation = factories.observation(portfolio.candidate, assessor)
    observation.state, observation.signed_off_by_id = "signed_off", assessor.id
    observation.signed_off_at, observation.entry_id = MONDAY, entry.id
    db.session.flush()
    return portfolio


def test_the_page_chart_table_and_download_agree(client, org, lead):
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    _assessed_portfolio(org, assessor, "Amara Okafor")
    db.session.commit()
    soup = page(client.get("/workforce/practice"))
    assert soup.select_one("#practice-summary").get_text() == (
        "Across the selection, a first word of feedback came a median of 2.0 days after "
        "evidence went into a portfolio (1 entry); reports were signed off a median of 6.0 "
        "days after the submission (1 report); each candidate has had 1.0 direct "
        "observations on average.")
    chart = [t.get_text() for t in soup.select("#practice-chart text.portal-chart__value")]
    table = [row.select_one("td").get_text() for row in
             soup.select(".portal-chart-table tbody tr")]
    assert chart == table == ["2.0 days"]
    rows = csv_rows(client.get("/workforce/practice.csv").data)
    assert rows[1] == ["Helen Shaw", "1", "2.0", "1", "6.0", "0", "1", "1", "1.0"]


def test_the_page_runs_the_same_statements_for_few_or_many(client, org, lead):
    assessor = factories.user(org, roles=["assessor"])
    _assessed_portfolio(org, assessor, "First Candidate")
    db.session.commit()
    with count_queries() as few:
        assert client.get("/workforce/practice").status_code == 200
    for n in range(4):
        _assessed_portfolio(org, factories.user(org, roles=["assessor"]), f"Candidate {n}")
    db.session.commit()
    with count_queries() as many:
        assert client.get("/workforce/practice").status_code == 200
    assert len(many) == len(few) <= 10


def test_only_this_councils_assessors_are_counted(client, org, lead):
    elsewhere = factories.organisation()
    _assessed_portfolio(elsewhere, factories.user(elsewhere, roles=["assessor"],
                                                  name="Someone Elsewhere"), "Their Candidate")
    db.session.commit()
    text = page(client.get("/workforce/practice")).get_text()
    assert "Someone Elsewhere" not in text
    assert "No assessment matches these filters." in text
