"""Work that clears: queue items follow the portfolio's state, optional review points are
never overdue, an assessor is not asked for feedback on their own observation, the line
manager's reports to confirm are in their queue, and the home page counts the same work."""

import re
from datetime import UTC, datetime, timedelta

import pytest

from portal.assessment.models import Observation, ObservationState
from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.portfolios import operations as portfolio_ops
from tests import factories
from tests.assessment.queue.conftest import nothing_but_review_points, open_queue, queue_rows
from tests.conftest import page

TODAY = today_in_england()


def _overdue_work(council, assessor, name="Cara"):
    """A candidate with an overdue review point and an entry awaiting feedback."""
    candidate, portfolio = council.candidate(assessor, name=name)
    nothing_but_review_points(portfolio)
    portfolio.review_points[1].due_on = TODAY - timedelta(days=3)
    council.include(portfolio, factories.evidence_entry(candidate, title="Home visit"),
                    added_at=datetime.now(UTC) - timedelta(days=30))
    return candidate, portfolio


def _to_panel(portfolio, actor, decided: bool) -> None:
    portfolio_ops.submit_for_panel(actor, portfolio, [])
    portfolio_ops.start_assessment(actor, portfolio)
    portfolio_ops.place_on_panel(actor, portfolio, agenda_item_id=1)
    if decided:
        portfolio_ops.decide(actor, portfolio, "pass", decision_id=1)


@pytest.mark.parametrize("decided", [False, True], ids=["at panel", "decided"])
def test_review_points_and_feedback_close_once_the_portfolio_is_at_panel(client, council,
                                                                         assessor, decided):
    _candidate, portfolio = _overdue_work(council, assessor)
    assert {r["kind"] for r in queue_rows(open_queue(client, assessor))} == {"review",
                                                                           "evidence"}
    _to_panel(portfolio, assessor, decided)
    db.session.commit()
    assert queue_rows(client.get("/assess/")) == []
    assert "0 items in your work queue" in page(client.get("/home")).get_text()


def test_an_optional_review_point_is_shown_but_never_overdue(client, council, assessor):
    _candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    point = portfolio.review_points[1]
    point.optional, point.due_on = True, TODAY - timedelta(days=10)
    [row] = queue_rows(open_queue(client, assessor))
    assert row["kind"] == "review" and "Optional" in row["due"] and "Overdue" not in row["due"]
    assert "overdue" not in page(client.get("/home")).get_text()

    point.optional = False
    db.session.commit()
    [row] = queue_rows(client.get("/assess/"))
    assert "Overdue" in row["due"]


def _observation_entry(council, candidate, observer):
    """An observation `observer` signed off and the evidence entry it became."""
    entry = factories.evidence_entry(candidate, title=f"Observed by {observer.name}",
                                     evidence_type="direct_observation")
    db.session.add(Observation(
        organisation_id=council.org.id, candidate_id=candidate.id, observer_id=observer.id,
        state=ObservationState.SIGNED_OFF.value, observed_on=TODAY, setting="Home visit",
        signed_off_by_id=observer.id, signed_off_at=datetime.now(UTC), entry_id=entry.id))
    return entry


def test_no_feedback_task_for_the_assessors_own_observation(client, council, assessor):
    candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    other = factories.user(council.org, roles=["assessor"], name="Olu Observer")
    council.include(portfolio, _observation_entry(council, candidate, assessor))
    theirs = _observation_entry(council, candidate, other)
    council.include(portfolio, theirs)
    [row] = queue_rows(open_queue(client, assessor))
    assert row["kind"] == "evidence" and row["href"] == f"/evidence/{theirs.id}"


@pytest.fixture
def managed(council, assessor):
    """Cara, assessed by `assessor` and line-managed by Rachel, submitted for a review."""
    manager = factories.user(council.org, roles=["line_manager"], name="Rachel Green")
    candidate, portfolio = council.candidate(assessor, name="Cara")
    assign(council.lead, candidate, manager, AssignmentRole.LINE_MANAGER, TODAY)
    nothing_but_review_points(portfolio)
    point = portfolio.review_points[1]
    portfolio_ops.submit_for_review_point(candidate, portfolio, point.code, [])
    report = reports.start_assessment(assessor, portfolio)
    ratings = {d.id: ("on_track", "Fine") for d in reports.pcf_domains(portfolio)}
    reports.save_draft(assessor, report, reports.ReportContent(summary="Good progress",
                                                               ratings=ratings))
    return {"manager": manager, "portfolio": portfolio, "report": report, "point": point}


def test_a_signed_off_report_waits_in_the_line_managers_queue_until_confirmed(
        client, assessor, managed):
    manager, report = managed["manager"], managed["report"]
    assert queue_rows(open_queue(client, manager)) == []  # a draft is not theirs yet

    reports.sign_off(assessor, report)
    db.session.commit()
    [row] = queue_rows(client.get("/assess/"))
    assert row["kind"] == "confirmation" and row["href"] == f"/reports/{report.id}"
    assert managed["point"].title.lower() in row["needed"]
    assert "Open report" in page(client.get("/assess/?kind=confirmation")).get_text()

    reports.confirm_support(manager, report, True, True, True, "")
    db.session.commit()
    assert queue_rows(client.get("/assess/")) == []


def test_a_returned_round_asks_no_confirmation_and_the_assessor_is_not_asked(
        client, assessor, managed):
    reports.return_to_candidate(assessor, managed["report"], "Add the supervision notes")
    db.session.commit()
    assert queue_rows(open_queue(client, managed["manager"])) == []
    assert "confirmation" not in {r["kind"] for r in queue_rows(open_queue(client, assessor))}


def _home_numbers(client) -> tuple[int, int, int]:
    text = " ".join(page(client.get("/home")).get_text().split())
    found = re.search(r"You have (\d+) current candidates? and (\d+) items? in your work "
                      r"queue(?:, (\d+) overdue)?", text)
    return int(found[1]), int(found[2]), int(found[3] or 0)


def test_the_home_counts_equal_the_queue_for_a_mixed_caseload(client, council):
    """Someone who assesses some candidates and line-manages others: every kind of work,
    some of it closed, optional or their own; the home page counts what the queue lists."""
    staff = factories.user(council.org, roles=["assessor", "line_manager"], name="Sam")
    cara, cara_portfolio = _overdue_work(council, staff, "Cara")
    council.include(cara_portfolio, _observation_entry(council, cara, staff))  # no task
    _decided_candidate, decided = _overdue_work(council, staff, "Dev")
    _to_panel(decided, staff, decided=True)
    _optional, optional = council.candidate(staff, name="Ola")
    nothing_but_review_points(optional)
    optional.review_points[1].optional = True
    optional.review_points[1].due_on = TODAY - timedelta(days=1)
    assessor = factories.user(council.org, roles=["assessor"])
    mo, mo_portfolio = council.candidate(assessor, name="Mo")
    assign(council.lead, mo, staff, AssignmentRole.LINE_MANAGER, TODAY)
    nothing_but_review_points(mo_portfolio)
    mo_portfolio.review_points[1].due_on = TODAY - timedelta(days=2)
    portfolio_ops.submit_for_review_point(mo, mo_portfolio, mo_portfolio.review_points[1].code,
                                          [])
    report = reports.start_assessment(assessor, mo_portfolio)
    reports.save_draft(assessor, report, reports.ReportContent(summary="Fine", ratings={
        d.id: ("on_track", "") for d in reports.pcf_domains(mo_portfolio)}))
    reports.sign_off(assessor, report)

    rows = queue_rows(open_queue(client, staff))
    assert sorted(r["kind"] for r in rows) == ["confirmation", "evidence", "review", "review"]
    overdue = sum("Overdue" in r["due"] for r in rows)
    count = page(client.get("/assess/")).select_one("#queue-count").get_text(strip=True)
    assert count == f"{len(rows)} items in your queue, {overdue} overdue"
    assert _home_numbers(client) == (4, len(rows), overdue)
