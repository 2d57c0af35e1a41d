"""The daily reminders: what is due or overdue, once per event and person, one digest a
day, the optional ones switched off by choice, in batched queries."""

import threading
import time
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from portal.assessment.models import Observation
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core import jobs
from portal.core.db import db
from portal.core.mail import outbox
from portal.notifications.models import Notification
from portal.reminders.jobs import daily_reminders
from portal.reminders.models import ReminderSent
from portal.reminders.operations import send_daily_reminders
from tests import factories
from tests.conftest import count_queries, page, sign_in
from tests.peers import smtp_server, start_worker, stop_worker, wait_for
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def people(org):
    lead = factories.user(org, roles=["programme_lead"], name="Priya Nair")
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    candidate = factories.user(org, roles=["candidate"], name="Amara Okafor")
    portfolio = make_portfolio(org, candidate=candidate, start=date(2026, 1, 5))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    db.session.commit()
    return {"lead": lead, "assessor": assessor, "candidate": candidate, "portfolio": portfolio}


def _first_point(people):
    return min(people["portfolio"].review_points, key=lambda p: p.due_on)


def _run(day: date) -> int:
    count = send_daily_reminders(day)
    db.session.commit()
    jobs.run_committed()
    return count


def _keys(person) -> set[str]:
    return set(db.session.scalars(select(ReminderSent.key).where(
        ReminderSent.recipient_id == person.id)))


@pytest.fixture
def emailed(app):
    app.config["NOTIFY_BY_EMAIL"] = True
    yield
    app.config["NOTIFY_BY_EMAIL"] = False


def test_a_review_point_is_reminded_14_and_3_days_before_then_weekly_when_overdue(people):
    point = _first_point(people)
    due, candidate, assessor, lead = (point.due_on, people["candidate"], people["assessor"],
                                      people["lead"])
    assert _run(due - timedelta(days=20)) == 0
    _run(due - timedelta(days=14))
    assert _keys(candidate) == _keys(assessor) == {f"review_point:{point.id}:due:14"}
    _run(due - timedelta(days=13))  # nothing new the next day
    assert len(_keys(candidate)) == 1
    _run(due - timedelta(days=3))
    _run(due + timedelta(days=1))
    _run(due + timedelta(days=5))  # same overdue week: nothing new
    _run(due + timedelta(days=8))
    assert _keys(candidate) == {f"review_point:{point.id}:due:14", f"review_point:{point.id}:due:3",
                                f"review_point:{point.id}:overdue:week0",
                                f"review_point:{point.id}:overdue:week1"}
    assert _keys(lead) == set()
    _run(due + timedelta(days=15))
    assert _keys(lead) == {f"review_point:{point.id}:lead"}
    assert db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.recipient_id == candidate.id,
        Notification.message.like("Your review point%"))) == 5  # with week 2 overdue


def test_one_digest_a_day_at_most_without_case_detail(people, emailed):
    point = _first_point(people)
    db.session.add(Observation(organisation_id=people["candidate"].organisation_id,
                               candidate_id=people["candidate"].id,
                               observer_id=people["assessor"].id, state="draft",
                               observed_on=point.due_on - timedelta(days=30),
                               setting="Home visit"))
    db.session.commit()
    _run(point.due_on - timedelta(days=3))
    to_assessor = [e for e in outbox() if e.to == people["assessor"].email]
    assert len(to_assessor) == 1  # the review point and the observation in one email
    body = to_assessor[0].body
    assert "is due on" in body and "is not written up yet" in body
    assert "Amara" not in body and "Home visit" not in body
    assert "http://127.0.0.1:5000/" in body
    # The same day again: nothing more for anyone.
    outbox().clear()
    _run(point.due_on - timedelta(days=3))
    assert outbox() == []


def test_optional_reminders_can_be_turned_off_but_essential_ones_still_come(client, people):
    candidate, point = people["candidate"], _first_point(people)
    sign_in(client, candidate)
    form = page(client.get("/account/reminders/"))
    assert form.select_one("input[name=optional][value=yes]").has_attr("checked")
    assert client.post("/account/reminders/", data={"optional": "no"}).status_code == 303
    _run(point.due_on - timedelta(days=14))
    assert _keys(candidate) == set()  # coming up: optional
    assert _keys(people["assessor"]) == {f"review_point:{point.id}:due:14"}
    _run(point.due_on + timedelta(days=1))
    assert _keys(candidate) == {f"review_point:{point.id}:overdue:week0"}  # essential


def test_the_choice_page_explains_a_missing_answer(client, people):
    sign_in(client, people["candidate"])
    response = client.post("/account/reminders/", data={})
    assert response.status_code == 400


def test_the_daily_run_costs_the_same_statements_however_many_candidates(org, people):
    due = _first_point(people).due_on
    with count_queries() as few:
        _run(due - timedelta(days=14))
    for _ in range(6):
        more = factories.user(org, roles=["candidate"])
        make_portfolio(org, candidate=more, start=date(2026, 1, 5))
        assign(people["lead"], more, people["assessor"], AssignmentRole.ASSESSOR,
               date(2026, 1, 5))
    db.session.commit()
    with count_queries() as many:
        _run(due - timedelta(days=3))
    assert len(many) == len(few)


@pytest.mark.postgres_only
def test_two_runs_at_once_send_each_reminder_once(app, people, emailed):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two transactions racing need PostgreSQL")
    day = _first_point(people).due_on - timedelta(days=14)
    barrier = threading.Barrier(2)
    counts = []

    def run():
        with app.app_context():
            barrier.wait()
            counts.append(send_daily_reminders(day))
            db.session.commit()
            jobs.run_committed()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(counts) == [0, 2]
    assert sorted(e.to for e in outbox()) == sorted(
        [people["candidate"].email, people["assessor"].email])


@pytest.mark.postgres_only
def test_two_worker_processes_running_the_daily_reminders_send_each_once(app, people,
                                                                         tmp_path):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("workers need PostgreSQL")
    day = (_first_point(people).due_on - timedelta(days=14)).isoformat()
    with smtp_server() as (port, inbox):
        workers = [start_worker(tmp_path / str(n), port) for n in range(2)]
        try:
            app.config["JOBS_INLINE"] = False
            jobs.defer_many(daily_reminders, [{"day": day}, {"day": day}])
            db.session.commit()
            finished = wait_for(lambda: _job_states("reminders.daily") == ["succeeded"] * 2
                                and len(inbox.messages) >= 2, seconds=60)
            time.sleep(1)  # room for a wrong third email to arrive
        finally:
            app.config["JOBS_INLINE"] = True
            output = "\n".join(stop_worker(worker) for worker in workers)
            with db.engine.begin() as connection:
                connection.execute(text("DELETE FROM procrastinate_jobs"))
        assert finished, output[-3000:]
    assert sorted(message["To"] for message in inbox.messages) == sorted(
        [people["candidate"].email, people["assessor"].email])
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 2


def _job_states(task_name: str) -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT status FROM procrastinate_jobs WHERE task_name = :name ORDER BY id"),
            {"name": task_name}).scalars())
