"""The assessor's work queue, their candidates' pages, and who may see what."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.assessment.feedback import operations as feedback
from portal.assessment.models import Observation, ObservationState
from portal.assignments.models import Assignment, AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.portfolios import operations as portfolio_ops
from portal.portfolios.models import PortfolioEntry
from tests import factories
from tests.assessment.queue.conftest import (
    nothing_but_review_points,
    open_queue,
    queue_rows,
)
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in


# --- Each kind of work ----------------------------------------------------------------
def test_evidence_appears_until_feedback_and_again_after_a_reply(client, council, assessor):
    candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    entry = factories.evidence_entry(candidate, title="Home visit")
    factories.evidence_entry(candidate, title="Not in the portfolio")
    added = datetime(2026, 3, 2, 10, tzinfo=UTC)
    council.include(portfolio, entry, added_at=added)

    [row] = queue_rows(open_queue(client, assessor))
    assert row["kind"] == "evidence" and row["candidate"] == "Cara"
    assert "Give feedback on ‘Home visit’" in row["needed"]
    assert row["due"].startswith("16 March 2026") and "Overdue" in row["due"]
    assert row["href"] == f"/evidence/{entry.id}"

    feedback.add_message(assessor, entry, "Good")
    db.session.commit()
    assert queue_rows(client.get("/assess/")) == []

    feedback.add_message(candidate, entry, "Thanks")
    db.session.commit()
    [row] = queue_rows(client.get("/assess/"))
    assert "reply" in row["needed"]


def test_an_entry_follows_its_thread_in_every_portfolio_that_holds_it(client, council,
                                                                     assessor):
    """The queue reads the entry's own feedback status, whenever the entry joined the
    portfolio: one answered before it was added stays out until the candidate replies."""
    candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    answered = factories.evidence_entry(candidate, title="Answered before it was added")
    feedback.add_message(assessor, answered, "Good")
    waiting = factories.evidence_entry(candidate, title="Home visit")
    council.include(portfolio, answered)
    council.include(portfolio, waiting)
    db.session.commit()
    [row] = queue_rows(open_queue(client, assessor))
    assert "Give feedback on ‘Home visit’" in row["needed"]

    feedback.add_message(assessor, waiting, "Thank you")
    db.session.commit()
    assert queue_rows(client.get("/assess/")) == []

    feedback.add_message(candidate, answered, "A question about your feedback")
    db.session.commit()
    [row] = queue_rows(client.get("/assess/"))
    assert "Answered before it was added" in row["needed"] and "reply" in row["needed"]


def test_review_points_due_within_four_weeks_or_overdue(client, council, assessor):
    _candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    first, second, *_ = portfolio.review_points
    today = today_in_england()
    first.due_on = today - timedelta(days=3)
    second.due_on = today + timedelta(days=20)
    [*_, last] = portfolio.review_points
    last.due_on = today + timedelta(days=29)

    rows = queue_rows(open_queue(client, assessor))
    assert [r["kind"] for r in rows] == ["review", "review"]
    assert first.title.lower() in rows[0]["needed"] and "Overdue" in rows[0]["due"]
    assert second.title.lower() in rows[1]["needed"] and "Overdue" not in rows[1]["due"]
    assert rows[0]["href"] == f"/portfolios/{portfolio.id}"

    first.completed_on = today
    db.session.commit()
    [row] = queue_rows(client.get("/assess/"))
    assert row["needed"] == f"Review point Hold and record the {second.title.lower()}"


def test_submissions_await_assessment_until_it_starts(client, council, assessor):
    candidate, portfolio = council.candidate(assessor, name="Cara")
    point = portfolio.review_points[0]
    nothing_but_review_points(portfolio)
    portfolio_ops.submit_for_review_point(candidate, portfolio, point.code, missing=[])

    [row] = queue_rows(open_queue(client, assessor, "?kind=submission"))
    assert point.title in row["needed"] and row["href"] == f"/portfolios/{portfolio.id}"

    portfolio_ops.start_assessment(assessor, portfolio)
    db.session.commit()
    assert queue_rows(client.get("/assess/?kind=submission")) == []


def test_observations_to_write_up_or_sign_off(client, council, assessor):
    candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    other = factories.user(council.org, roles=["assessor"])

    def observation(observer, state):
        o = Observation(organisation_id=council.org.id, candidate_id=candidate.id,
                        observer_id=observer.id, state=state, observed_on=today_in_england(),
                        setting="Child protection conference")
        db.session.add(o)
        db.session.flush()
        return o

    draft = observation(assessor, ObservationState.DRAFT.value)
    completed = observation(assessor, ObservationState.COMPLETED.value)
    observation(other, ObservationState.DRAFT.value)
    rows = queue_rows(open_queue(client, assessor))
    assert sorted(r["href"] for r in rows) == sorted(
        [f"/observations/{draft.id}", f"/observations/{completed.id}"])
    assert {r["needed"].split(" the observation")[0].split()[-2] for r in rows} == {"Write",
                                                                                   "Sign"}


# --- Sorting, filtering, htmx ----------------------------------------------------------
@pytest.fixture
def two_candidates(council, assessor):
    zed, zed_portfolio = council.candidate(assessor, name="Zed Zephyr")
    amy, amy_portfolio = council.candidate(assessor, name="Amy Archer")
    for portfolio in (zed_portfolio, amy_portfolio):
        nothing_but_review_points(portfolio)
    today = today_in_england()
    zed_portfolio.review_points[0].due_on = today + timedelta(days=1)
    amy_portfolio.review_points[0].due_on = today + timedelta(days=10)
    council.include(amy_portfolio, factories.evidence_entry(amy, title="Reflection"),
                    added_at=datetime.now(UTC) - timedelta(days=13))
    return zed, amy


def test_sorted_by_due_date_by_default(client, assessor, two_candidates):
    rows = queue_rows(open_queue(client, assessor))
    assert [(r["candidate"], r["kind"]) for r in rows] == [
        ("Amy Archer", "evidence"), ("Zed Zephyr", "review"), ("Amy Archer", "review")]


def test_sorted_by_candidate_or_kind(client, assessor, two_candidates):
    by_candidate = queue_rows(open_queue(client, assessor, "?sort=candidate"))
    assert [r["candidate"] for r in by_candidate] == ["Amy Archer", "Amy Archer", "Zed Zephyr"]
    by_kind = queue_rows(client.get("/assess/?sort=kind"))
    assert [r["kind"] for r in by_kind] == ["evidence", "review", "review"]
    nonsense = queue_rows(client.get("/assess/?sort=nonsense&kind=nonsense"))
    assert len(nonsense) == 3


def test_filter_by_kind_keeps_the_count(client, assessor, two_candidates):
    response = open_queue(client, assessor, "?kind=review")
    assert {r["kind"] for r in queue_rows(response)} == {"review"}
    soup = page(response)
    assert soup.select_one("#queue-count").get_text(strip=True) == "2 of 3 items shown"
    assert soup.select_one("#kind option[selected]")["value"] == "review"


def test_htmx_request_gets_the_fragment(client, assessor, two_candidates):
    sign_in(client, assessor)
    response = client.htmx_get("/assess/?sort=candidate")
    assert response.status_code == 200
    assert "HX-Request" in response.headers["Vary"]
    soup = page(response)
    assert soup.find("html") is None
    assert soup.select_one("#queue-results") and soup.select_one("#queue-count")
    assert queue_rows(response)[0]["candidate"] == "Amy Archer"


def test_full_page_has_a_working_form_and_live_region(client, assessor, two_candidates):
    soup = page(open_queue(client, assessor))
    assert_no_duplicate_ids(soup)
    form = soup.select_one("form[hx-get]")
    assert form["method"] == "get" and form["action"] == "/assess/"
    assert form["hx-target"] == "#queue-results" and form["hx-push-url"] == "true"
    assert soup.select_one("#queue-count")["role"] == "status"
    assert soup.select_one("#queue-count").get_text(strip=True) == "3 items in your queue"


def test_line_managers_see_only_their_candidates_review_points_and_reports(client, council,
                                                                         assessor):
    manager = factories.user(council.org, roles=["line_manager"])
    candidate, portfolio = council.candidate(assessor, name="Cara", entries=2)
    assign(council.lead, candidate, manager, AssignmentRole.LINE_MANAGER, today_in_england())
    nothing_but_review_points(portfolio)
    portfolio.review_points[0].due_on = today_in_england() + timedelta(days=5)
    council.candidate(assessor, name="Not managed")

    rows = queue_rows(open_queue(client, manager))
    assert [(r["kind"], r["candidate"]) for r in rows] == [("review", "Cara")]
    soup = page(client.get("/assess/"))
    assert [o["value"] for o in soup.select("#kind option")] == ["", "review", "confirmation"]
    assert client.get(f"/assess/candidates/{candidate.id}").status_code == 200


@pytest.mark.parametrize("roles", [["candidate"], ["programme_lead"], ["panel_member"]])
def test_the_queue_is_for_assessors_and_line_managers(client, org, roles):
    sign_in(client, factories.user(org, roles=roles))
    assert client.get("/assess/").status_code == 403
    assert client.get("/assess/candidates").status_code == 403


# --- Who may see a candidate ------------------------------------------------------------
def test_an_unassigned_candidate_does_not_exist_for_the_assessor(client, council, assessor):
    other_assessor = factories.user(council.org, roles=["assessor"])
    candidate, portfolio = council.candidate(other_assessor, name="Secret Name", entries=1)
    entry_id = db.session.scalar(select(PortfolioEntry.entry_id))
    response = open_queue(client, assessor)
    assert "Secret Name" not in response.get_data(as_text=True)
    for url in (f"/assess/candidates/{candidate.id}", f"/evidence/{entry_id}",
                f"/portfolios/{portfolio.id}"):
        refused = client.get(url)
        assert refused.status_code == 404, url
        assert "Secret Name" not in refused.get_data(as_text=True)
    assert "Secret Name" not in client.get("/assess/candidates").get_data(as_text=True)


def test_another_councils_candidate_is_not_found(client, assessor):
    outsider = factories.user(factories.organisation(), roles=["candidate"])
    sign_in(client, assessor)
    assert client.get(f"/assess/candidates/{outsider.id}").status_code == 404
    assert client.get("/assess/candidates/999999").status_code == 404


def test_current_assessor_sees_the_candidate_overview(client, council, assessor):
    candidate, portfolio = council.candidate(assessor, name="Cara", entries=2)
    sign_in(client, assessor)
    response = client.get(f"/assess/candidates/{candidate.id}")
    assert response.status_code == 200
    soup = page(response)
    assert_no_duplicate_ids(soup)
    assert soup.h1.get_text() == "Cara"
    assert soup.select_one("#read-only") is None
    hrefs = {a["href"] for a in soup.select("a")}
    assert f"/portfolios/{portfolio.id}" in hrefs
    assert len([h for h in hrefs if h.startswith("/evidence/")]) == 2
    assert client.get(f"/portfolios/{portfolio.id}").status_code == 200


def test_a_previous_assessor_can_still_read_but_not_act(client, council, assessor):
    successor = factories.user(council.org, roles=["assessor"])
    candidate, portfolio = council.candidate(assessor, name="Cara", entries=1)
    nothing_but_review_points(portfolio)
    assign(council.lead, candidate, successor, AssignmentRole.ASSESSOR, today_in_england())
    entry_id = db.session.scalar(select(PortfolioEntry.entry_id))

    assert queue_rows(open_queue(client, assessor)) == []
    response = client.get(f"/assess/candidates/{candidate.id}")
    assert response.status_code == 200
    inset = page(response).select_one("#read-only")
    assert inset.get_text(strip=True) == "You no longer assess Cara; this is read-only."
    assert client.get(f"/evidence/{entry_id}").status_code == 200

    listing = page(client.get("/assess/candidates"))
    tables = listing.select("table")
    assert len(tables) == 1 and "Cara" in tables[0].get_text()
    assert "Candidates you assessed before" in listing.get_text()


def test_a_previous_line_manager_loses_access(client, council, assessor):
    manager = factories.user(council.org, roles=["line_manager"])
    candidate, _ = council.candidate(assessor, name="Cara")
    assign(council.lead, candidate, manager, AssignmentRole.LINE_MANAGER, today_in_england())
    assignment = db.session.scalar(select(Assignment).where(Assignment.staff_id == manager.id))
    assignment.ended_on = today_in_england()
    sign_in(client, manager)
    assert client.get(f"/assess/candidates/{candidate.id}").status_code == 404


def test_candidates_list_shows_current_candidates(client, council, assessor):
    council.candidate(assessor, name="Cara")
    council.candidate(assessor, name="Dev")
    sign_in(client, assessor)
    soup = page(client.get("/assess/candidates"))
    names = [a.get_text() for a in soup.select("table a")]
    assert names == ["Cara", "Dev"]


# --- Bounded queries -------------------------------------------------------------------
def _caseload(council, assessor, count):
    for n in range(count):
        candidate, portfolio = council.candidate(assessor, name=f"Candidate {n:02}", entries=3)
        portfolio.review_points[0].due_on = today_in_england() + timedelta(days=n % 20)
        db.session.add(Observation(organisation_id=council.org.id, candidate_id=candidate.id,
                                   observer_id=assessor.id, state="draft",
                                   observed_on=today_in_england(), setting="Visit"))
    db.session.commit()


def _queries(client, url):
    with count_queries() as statements:
        response = client.get(url)
        assert response.status_code == 200
    return len(statements), response


def test_queue_query_count_does_not_grow_with_the_caseload(client, council, assessor):
    _caseload(council, assessor, 2)
    sign_in(client, assessor)
    few, response = _queries(client, "/assess/")
    assert len(queue_rows(response)) == 2 * (3 + 1 + 1)
    home_few, _ = _queries(client, "/home")

    _caseload(council, assessor, 28)
    many, response = _queries(client, "/assess/")
    assert "150 items in your queue" in response.get_data(as_text=True)  # 30 * (3 + 1 + 1)
    assert len(queue_rows(response)) == 50  # shown a page at a time
    assert many == few
    # The user, their caseload, then one query for each of the four kinds of work.
    assert few == 6
    assert _queries(client, "/home")[0] == home_few


def test_a_long_queue_is_shown_a_page_at_a_time(monkeypatch, client, org):
    from datetime import date as _date

    from portal.assessment.queue import views as queue_views
    from portal.assessment.queue import work_queue as queue_module

    staff = factories.user(org, roles=["assessor"])
    sign_in(client, staff)
    candidate = factories.user(org, roles=["candidate"], name="Long Queue")
    ref = queue_module.CandidateRef(candidate.id, candidate.name)
    caseload = queue_module.Caseload(assessed={}, managed={candidate.id: ref})
    fake = [queue_module.QueueItem(queue_module.Kind.REVIEW, ref, f"Review {n}",
                                   _date(2027, 1, 1), "portfolios.show",
                                   (("portfolio_id", 1),), "Open portfolio")
            for n in range(queue_views.QUEUE_PAGE_SIZE + 5)]
    monkeypatch.setattr(queue_module, "work_queue", lambda *args, **kwargs: (caseload, fake))
    first = page(client.get("/assess/"))
    assert len(first.select("tbody tr")) == queue_views.QUEUE_PAGE_SIZE
    second = page(client.get("/assess/?page=2"))
    assert len(second.select("tbody tr")) == 5


def test_an_assessor_reading_an_entry_is_led_back_to_the_candidate(client, org):
    from datetime import date as day

    from portal.assignments.models import AssignmentRole
    from portal.assignments.operations import assign

    lead = factories.user(org, roles=["programme_lead"])
    assessor = factories.user(org, roles=["assessor"])
    candidate = factories.user(org, roles=["candidate"], name="Amara Okafor")
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, day(2026, 9, 7))
    entry = factories.evidence_entry(candidate)
    entry.anonymised_confirmed = True
    sign_in(client, assessor)
    soup = page(client.get(f"/evidence/{entry.id}"))
    assert soup.select_one(".govuk-back-link")["href"] == f"/assess/candidates/{candidate.id}"
    assert "The candidate confirmed" in soup.get_text()


def test_queue_rows_escape_every_value_and_mark_overdue_work(app):
    from datetime import date as _date

    from flask import render_template

    from portal.assessment.queue import work_queue as queue_module

    item = queue_module.QueueItem(
        queue_module.Kind.EVIDENCE, queue_module.CandidateRef(7, "<b>Sam</b> & Co"),
        "Give feedback on \u2018<i>visit</i>\u2019", _date(2026, 11, 1), "evidence.show",
        (("entry_id", 42),), "Open \u2018<i>visit</i>\u2019")
    with app.test_request_context("/"):
        html = render_template("assess/_queue_row.html", item=item, today=_date(2026, 11, 22))
        later = render_template("assess/_queue_row.html", item=item, today=_date(2026, 10, 1))
    assert "<b>" not in html and "<i>" not in html
    assert "&lt;b&gt;Sam&lt;/b&gt; &amp; Co" in html
    assert 'href="/assess/candidates/7"' in html and 'href="/evidence/42"' in html
    assert 'data-kind="evidence"' in html and "1 November 2026" in html
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    assert '<span class="govuk-visually-hidden"> for &lt;b&gt;Sam&lt;/b&gt; &amp; Co</span>' in html
    assert "Overdue" not in later


def test_the_order_follows_names_and_work(client, council, assessor):
    """The queue is sorted on each request: renaming a candidate re-sorts it, and new
    work takes its place at once."""
    ann, ann_portfolio = council.candidate(assessor, name="Ann Lee")
    bob, bob_portfolio = council.candidate(assessor, name="Bob Cole")
    for person, portfolio in ((ann, ann_portfolio), (bob, bob_portfolio)):
        nothing_but_review_points(portfolio)
        council.include(portfolio, factories.evidence_entry(person, title=f"Visit {person.name}"))
    db.session.commit()
    by_name = "?sort=candidate"
    assert [row["candidate"] for row in queue_rows(open_queue(client, assessor, by_name))] == [
        "Ann Lee", "Bob Cole"]

    ann.name = "Zoe Lee"
    db.session.commit()
    assert [row["candidate"] for row in queue_rows(client.get(f"/assess/{by_name}"))] == [
        "Bob Cole", "Zoe Lee"]
    council.include(bob_portfolio, factories.evidence_entry(bob, title="Second visit"))
    db.session.commit()
    assert [row["needed"] for row in queue_rows(client.get(f"/assess/{by_name}"))][:2] == [
        "Evidence awaiting feedback Give feedback on ‘Second visit’",
        "Evidence awaiting feedback Give feedback on ‘Visit Bob Cole’"]


def test_the_fill_sets_each_status_from_its_thread(council, assessor):
    """Threads written in bulk (the benchmark's seed) carry no status until
    fill_feedback_status reads each one's latest message, in both directions."""
    from sqlalchemy import update

    from portal.evidence.models import EvidenceEntry

    candidate, _portfolio = council.candidate(assessor, name="Cara")
    answered = factories.evidence_entry(candidate, title="Answered")
    replied = factories.evidence_entry(candidate, title="Replied")
    factories.evidence_entry(candidate, title="Untouched")
    feedback.add_message(assessor, answered, "Good")
    feedback.add_message(assessor, replied, "Good")
    feedback.add_message(candidate, replied, "A question")
    db.session.execute(update(EvidenceEntry).values(feedback_status=None))
    feedback.fill_feedback_status(db.session.connection())
    statuses = dict(db.session.execute(select(EvidenceEntry.title,
                                              EvidenceEntry.feedback_status)).all())
    assert statuses == {"Answered": "awaiting_candidate", "Replied": "awaiting_assessor",
                        "Untouched": None}


def test_an_entry_added_while_a_reply_is_written_still_awaits_feedback(app, client, council,
                                                                       assessor):
    """The candidate replies in one tab while adding the entry to their portfolio in
    another: once both are saved, the assessor's queue asks them to read the reply.
    PostgreSQL only: SQLite writes one transaction at a time."""
    import threading

    from portal.accounts.models import User
    from portal.evidence.models import EvidenceEntry

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    candidate, portfolio = council.candidate(assessor, name="Cara")
    nothing_but_review_points(portfolio)
    entry = factories.evidence_entry(candidate, title="Home visit")
    feedback.add_message(assessor, entry, "Good")
    db.session.commit()
    entry_id, candidate_id = entry.id, candidate.id
    replying, commit_reply = threading.Event(), threading.Event()

    def reply_in_another_tab():
        with app.app_context():
            feedback.add_message(db.session.get(User, candidate_id),
                                 db.session.get(EvidenceEntry, entry_id), "A question")
            replying.set()
            commit_reply.wait(timeout=10)
            db.session.commit()

    other_tab = threading.Thread(target=reply_in_another_tab)
    other_tab.start()
    assert replying.wait(timeout=10)
    threading.Timer(0.5, commit_reply.set).start()
    council.include(portfolio, entry)
    db.session.commit()
    other_tab.join(timeout=10)
    [row] = queue_rows(open_queue(client, assessor))
    assert row["needed"] == "Evidence awaiting feedback Read the reply about ‘Home visit’"
