"""One daily reminder run over the benchmark data (issue 19): its wall time and how many
SQL statements it runs, reported beside the pages.

    .venv/bin/python -m bench.reminders --database-url postgresql://.../portal_bench

The run is the one the worker makes each morning (`send_daily_reminders`), with emails on,
measured up to the point where it would commit, and then rolled back: nothing is recorded,
notified or emailed, so the next benchmark finds the same reminders to send. (Its commit
is one statement, not counted.)
"""

import argparse
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

from sqlalchemy import event, func, select

from portal.accounts.models import UserRole
from portal.accounts.roles import Role
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.reminders.operations import send_daily_reminders

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH_REMINDERS "


def measure_daily_reminders(day: date | None = None) -> dict:
    """Time and count one daily run in the current app context, then roll it back."""
    day = day or today_in_england()
    candidates = db.session.scalar(select(func.count(UserRole.user_id)).where(
        UserRole.role == Role.CANDIDATE))
    db.session.rollback()  # start from a fresh transaction: nothing of ours is counted
    statements = 0

    def count(*_arguments):
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        started = time.perf_counter()
        sent = send_daily_reminders(day)
        db.session.flush()
        seconds = time.perf_counter() - started
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
        db.session.rollback()
    return {"day": day.isoformat(), "candidates": candidates, "reminders": sent,
            "seconds": round(seconds, 2), "statements": statements}


def measure_in_subprocess(environment: dict) -> dict:
    """The measurement in a process of its own, with the portal built from `environment`
    (as the benchmark's server is), so that its engine and settings are production's."""
    output = subprocess.run(
        [sys.executable, "-m", "bench.reminders"], cwd=ROOT, env=environment,
        capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith(RESULT_PREFIX))
    return json.loads(line.removeprefix(RESULT_PREFIX))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="default: the DATABASE_URL setting")
    parser.add_argument("--day", type=date.fromisoformat, help="default: today in England")
    args = parser.parse_args(argv)
    from portal import create_app
    from portal.config import normalise_database_url

    override = {"NOTIFY_BY_EMAIL": True}
    if args.database_url:
        override["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(args.database_url)
    with create_app(override).app_context():
        result = measure_daily_reminders(args.day)
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
