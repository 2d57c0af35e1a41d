"""Background jobs: through Procrastinate's in-memory connector, in this process after a
commit (JOBS_INLINE), and on PostgreSQL in the same transaction as the change."""

import contextvars
from concurrent.futures import ThreadPoolExecutor

import pytest
from procrastinate.testing import InMemoryConnector
from sqlalchemy import select, text

from portal.core import jobs
from portal.core.db import db
from portal.core.mail import outbox
from portal.notifications.email_models import EmailState, OutgoingEmail
from portal.notifications.emails import deliver_email, queue_email
from tests import factories
from tests.peers import smtp_server, start_worker, stop_worker, wait_for


def _queued_email(org, app) -> int:
    """An outbox row waiting for its job (the job is deferred by the test)."""
    person = factories.user(org, email="amara@example.org")
    email = OutgoingEmail(recipient_id=person.id, to_address=person.email,
                          kind="password_reset", context={}, state=EmailState.QUEUED)
    db.session.add(email)
    db.session.commit()
    return email.id


@pytest.fixture
def memory_queue():
    with jobs.queue.replace_connector(InMemoryConnector()) as queue:
        yield queue


def _defer_and_run(queue, email_id: int) -> None:
    """Defer the email's job and run the queue once, in a thread of its own that carries
    this test's context (its app).

    Procrastinate's synchronous calls go through asgiref's AsyncToSync, which refuses a
    thread where an event loop is marked as running: Playwright's sync API, used by the
    browser tests earlier in the same session, leaves the main thread like that.
    """

    def defer_and_run():
        deliver_email.defer(email_id=email_id)
        queue.run_worker(wait=False, install_signal_handlers=False, listen_notify=False)

    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1) as executor:
        executor.submit(context.run, defer_and_run).result()


def _email_jobs(queue) -> list[dict]:
    """The queue's email jobs. (A worker started in the first minutes of an hour also
    defers that hour's periodic reminder tick into the same queue.)"""
    return [job for job in queue.connector.jobs.values()
            if job["task_name"] == "notifications.deliver_email"]


def test_the_job_sends_the_email_through_procrastinate(app, org, memory_queue):
    email_id = _queued_email(org, app)
    _defer_and_run(memory_queue, email_id)
    (job,) = _email_jobs(memory_queue)
    assert job["status"] == "succeeded"
    assert [sent.to for sent in outbox()] == ["amara@example.org"]
    db.session.expire_all()
    assert db.session.get(OutgoingEmail, email_id).state == EmailState.SENT


def test_a_failed_send_is_retried_later_and_shown_meanwhile(app, org, memory_queue):
    email_id = _queued_email(org, app)
    app.config["MAIL_BACKEND"] = "none"
    try:
        _defer_and_run(memory_queue, email_id)
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    (job,) = _email_jobs(memory_queue)
    # Back in the queue for later (a growing wait), not lost and not silent.
    assert job["status"] == "todo" and job["attempts"] == 1
    assert job["scheduled_at"] is not None
    db.session.expire_all()
    email = db.session.get(OutgoingEmail, email_id)
    assert email.state == EmailState.FAILED and "No email provider" in email.last_error


def test_the_retry_strategy_waits_longer_each_time():
    waits = [5 ** (attempt + 1) for attempt in range(jobs.RETRY.max_attempts - 1)]
    assert waits == sorted(waits) and jobs.RETRY.max_attempts >= 5


def test_an_inline_job_waits_for_the_commit_and_a_rollback_forgets_it(app, org):
    person = factories.user(org, email="amara@example.org")
    db.session.commit()
    queue_email(person, "password_reset")
    assert outbox() == []  # not before the commit
    db.session.rollback()
    jobs.run_committed()
    assert outbox() == []
    queue_email(person, "password_reset")
    db.session.commit()
    jobs.run_committed()
    assert [sent.to for sent in outbox()] == ["amara@example.org"]


def _procrastinate_jobs() -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.execute(text(
            "SELECT task_name, args FROM procrastinate_jobs ORDER BY id")).all()


@pytest.mark.postgres_only
def test_on_postgresql_the_job_is_written_in_the_changes_transaction(org, postgres_queue):
    person = factories.user(org)
    db.session.commit()
    email = queue_email(person, "password_reset")
    # Deferred inside this transaction: nobody else sees it until the commit...
    assert _procrastinate_jobs() == []
    db.session.commit()
    assert _procrastinate_jobs() == [("notifications.deliver_email", {"email_id": email.id})]


@pytest.mark.postgres_only
def test_on_postgresql_a_rolled_back_change_leaves_no_job(org, postgres_queue):
    person = factories.user(org)
    db.session.commit()
    queue_email(person, "password_reset")
    db.session.rollback()
    assert _procrastinate_jobs() == []


@pytest.mark.postgres_only
def test_a_real_worker_process_sends_what_a_request_queued(app, client, org, postgres_queue,
                                                           tmp_path):
    person = factories.user(org, email="amara@example.org", password="")
    db.session.commit()
    with smtp_server() as (port, inbox):
        worker = start_worker(tmp_path, port)
        try:
            # The request only defers a job, committed with it; the worker does the rest.
            response = client.post("/password-reset", data={"email": "Amara@example.org"})
            assert response.status_code == 200
            sent = wait_for(lambda: inbox.messages)
        finally:
            output = stop_worker(worker)
        assert sent, output[-3000:]
    (message,) = inbox.messages
    assert message["To"] == "amara@example.org"
    assert "https://portal.council.example/password-reset/" in message.get_body(
        ("plain",)).get_content()
    db.session.expire_all()
    email = db.session.scalar(select(OutgoingEmail).where(
        OutgoingEmail.recipient_id == person.id))
    assert email.state == EmailState.SENT
