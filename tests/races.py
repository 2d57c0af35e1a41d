"""Running two requests' worth of work at the same moment, each on its own connection.

Each job runs in its own thread and application context (so its own database session and
connection), loads what it needs, waits for the other at a barrier, then makes its change
and commits. A job reports "won" when it committed and the refusal's message when the
domain refused it; anything else (an IntegrityError, say) is left to fail the test.
"""

import threading
from collections.abc import Callable

import pytest

from portal.core.db import db


def postgres_only() -> None:
    """Row locks are what is under test; SQLite lets one writer in at a time anyway."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row-level concurrency is exercised on PostgreSQL (SQLite locks the file)")


def run_at_once(app, jobs: list[tuple[Callable, Callable]],
                refusals: tuple[type[Exception], ...]) -> list[str]:
    """Each job is (load, act): `load()` runs before the barrier and returns what `act`
    is given. Returns each job's outcome in order: "won" or the refusal's message."""
    db.session.commit()  # the test's own session holds no locks while the jobs run
    barrier = threading.Barrier(len(jobs))
    outcomes: list[str | BaseException] = [""] * len(jobs)

    def run(index: int, load: Callable, act: Callable) -> None:
        with app.app_context():
            try:
                loaded = load()
                barrier.wait(timeout=20)
                try:
                    act(loaded)
                    db.session.commit()
                    outcomes[index] = "won"
                except refusals as refusal:
                    db.session.rollback()
                    outcomes[index] = str(refusal)
            except BaseException as error:  # handed back to the test
                barrier.abort()  # the other jobs stop waiting at once
                outcomes[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, load, act))
               for i, (load, act) in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    errors = [outcome for outcome in outcomes if isinstance(outcome, BaseException)]
    # The error that broke the barrier comes first, not the others' BrokenBarrierError.
    errors.sort(key=lambda error: isinstance(error, threading.BrokenBarrierError))
    if errors:
        raise errors[0]
    db.session.expire_all()
    return outcomes


def in_another_request(app, act: Callable) -> None:
    """Run `act()` and commit in a separate session, as a request that got in first.

    Commit the test's own session before loading what the stale page shows (so that on
    SQLite it holds no lock): what it loaded is then what a page opened before the other
    request would hold. Committing here would expire it and hide the staleness.
    """
    with app.app_context():
        try:
            act()
            db.session.commit()
        finally:
            db.session.remove()
