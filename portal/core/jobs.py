"""Background jobs: Procrastinate on PostgreSQL, the same functions in-process on SQLite.

A job is a plain function registered with `@job(...)`. It runs in an application context
of its own, with its own transaction: committed when it returns, rolled back when it raises
(and then retried with a growing wait, up to RETRY.max_attempts).

`defer(task, **arguments)` asks for a job as part of the current transaction:

- on PostgreSQL the job row is written through the session's own connection
  (Procrastinate's `configure(connection=...)`), so it commits or rolls back with the change
  that caused it, and a worker (`flask --app portal worker`) runs it;
- with JOBS_INLINE (the SQLite default, and the test suite) the job waits for the commit
  and then runs in this process: after the response has gone when in a request, so how
  long it takes tells the person nothing; straight away otherwise. A rollback forgets it.

Either way the job runs the same function, so development shows what production does.
"""

import functools
import logging

import procrastinate
from flask import Flask, current_app, g, has_app_context
from sqlalchemy import event

from portal.core.db import db

logger = logging.getLogger(__name__)

# The connector is only opened by the worker (`run_worker`, which swaps in one built from
# DATABASE_URL); requests write their jobs through the session's connection instead.
queue = procrastinate.App(connector=procrastinate.PsycopgConnector())

# Requests (and jobs) defer through this one: a synchronous connector that is never opened,
# because every job it defers is written through the caller's own database connection. (The
# worker's connector is asynchronous and cannot take a synchronous connection.) It knows no
# tasks: it writes the job by the task's name, and the worker finds the task by that name.
_deferrer = procrastinate.App(connector=procrastinate.SyncPsycopgConnector())

# 6 attempts over about an hour and a half: waits of 5 s, 25 s, 2 min, 10 min, 52 min.
RETRY = procrastinate.RetryStrategy(max_attempts=6, exponential_wait=5)

_PENDING = "portal_pending_jobs"


def job(name: str, *, retry: procrastinate.BaseRetryStrategy | None = RETRY, **options):
    """Register the decorated function as the job `name` (see the module docstring)."""

    def decorator(function):
        @functools.wraps(function)
        def run(**arguments):
            # A context of its own (its own session), whether called by a worker thread
            # or after a request's commit.
            with current_app.app_context():
                try:
                    result = function(**arguments)
                    db.session.commit()
                except BaseException:
                    db.session.rollback()
                    raise
                finally:
                    db.session.remove()
                run_committed()
                return result

        return queue.task(name=name, retry=retry, **options)(run)

    return decorator


def defer(task, **arguments) -> None:
    """Ask for `task(**arguments)` to run once the current transaction commits."""
    if current_app.config["JOBS_INLINE"]:
        db.session.info.setdefault(_PENDING, []).append((task, arguments))
        return
    connection = db.session.connection().connection.driver_connection
    _deferrer.configure_task(task.name, connection=connection, queue=task.queue).defer(
        **arguments)


def defer_many(task, arguments: list[dict]) -> None:
    """`defer` for many jobs of one task, in one statement on PostgreSQL."""
    if not arguments:
        return
    if current_app.config["JOBS_INLINE"]:
        db.session.info.setdefault(_PENDING, []).extend((task, one) for one in arguments)
        return
    connection = db.session.connection().connection.driver_connection
    _deferrer.configure_task(task.name, connection=connection, queue=task.queue).batch_defer(
        *arguments)


def run_committed() -> None:
    """Run the jobs that this application context's committed transactions asked for."""
    ready = g.pop(_PENDING, [])
    for task, arguments in ready:
        try:
            task(**arguments)
        except Exception:
            # The job has recorded what it could (the outbox shows a failed email); an
            # in-process job is not retried, and must not break the page or command.
            logger.exception("job %s failed", task.name)


def _committed(session) -> None:
    pending = session.info.pop(_PENDING, [])
    if pending and has_app_context():
        g.setdefault(_PENDING, []).extend(pending)


def _rolled_back(session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)


def init_jobs(app: Flask) -> None:
    """In-process jobs run after the response has gone, or when the context ends."""
    app.config.setdefault("JOBS_INLINE", app.config["SQLALCHEMY_DATABASE_URI"].startswith(
        "sqlite"))
    if not event.contains(db.session, "after_commit", _committed):
        event.listen(db.session, "after_commit", _committed)
        event.listen(db.session, "after_soft_rollback", _rolled_back)

    @app.after_request
    def _run_after_response(response):
        if g.get(_PENDING):
            ready = g.pop(_PENDING)

            def _run():
                with app.app_context():
                    g.setdefault(_PENDING, []).extend(ready)
                    run_committed()

            response.call_on_close(_run)
        return response

    @app.teardown_appcontext
    def _run_left_over(_error):
        # Commands and tests: whatever a commit asked for runs before the context ends.
        if g.get(_PENDING):
            run_committed()


def database_conninfo(url: str) -> str:
    """A libpq connection string from the app's SQLAlchemy URL (postgresql+psycopg://)."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run_worker(app: Flask, **options) -> None:
    """Run Procrastinate's worker for this app until it is stopped (SIGTERM or Ctrl+C)."""
    connector = procrastinate.PsycopgConnector(
        conninfo=database_conninfo(app.config["SQLALCHEMY_DATABASE_URI"]))
    with queue.replace_connector(connector) as worker_queue:
        worker_queue.run_worker(**options)
