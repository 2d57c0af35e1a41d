"""`make bench` measures one daily reminder run (issue 19): its wall time and SQL
statements, reported beside the pages, with a statement count that does not grow with
the number of candidates, and nothing left behind for the next run."""

from sqlalchemy import func, select, text

from bench import report
from bench.reminders import measure_daily_reminders
from bench.seed import seed
from portal.core.db import db
from portal.notifications.email_models import OutgoingEmail
from portal.notifications.models import Notification
from portal.reminders.models import ReminderSent


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _count_jobs() -> int:
    return db.session.scalar(text("SELECT count(*) FROM procrastinate_jobs"))


def test_one_daily_run_is_measured_reported_and_rolled_back(app):
    # The benchmark runs PostgreSQL, with emails. SQLite cannot batch the digests' INSERT ...
    # RETURNING in order (SQLAlchemy sends one per person there), so SQLite counts without.
    postgres = db.engine.dialect.name == "postgresql"
    app.config["NOTIFY_BY_EMAIL"] = postgres
    seed(candidates=6, entries=60, councils=1, batch_size=100, random_seed=5)
    db.session.commit()
    notifications = _count(Notification)
    small = measure_daily_reminders()
    assert small["candidates"] == 6 and small["reminders"] > 0
    assert small["seconds"] >= 0 and small["statements"] > 0
    # Rolled back: the next benchmark finds the same reminders to send.
    assert _count(ReminderSent) == 0 and _count(OutgoingEmail) == 0
    if postgres:
        assert _count_jobs() == 0
    assert _count(Notification) == notifications

    # Four times the candidates (a second seed run): more reminders, same statements.
    seed(candidates=18, entries=180, councils=1, batch_size=100, random_seed=6)
    db.session.commit()
    larger = measure_daily_reminders()
    assert larger["candidates"] == 24 and larger["reminders"] > small["reminders"]
    assert larger["statements"] == small["statements"]

    results = {"floor": {"page": "floor", "rps": 100.0, "p50_ms": 1.0, "p95_ms": 2.0},
               "pages": [], "reminders_daily": larger}
    summary = report.judge(results)
    assert summary["met"] == ["reminders_daily"]
    table = report.format_table(results)
    assert (f"Daily reminders: {larger['seconds']:.1f} s, {larger['statements']} SQL "
            f"statements, {larger['reminders']} reminders for 24 candidates -> met") in table


def test_a_slow_or_per_person_run_misses_its_targets():
    slow = {"seconds": 61.0, "statements": 30, "reminders": 900, "candidates": 20000}
    assert report.reminders_verdict(slow) == (
        "missed", ["took 61.0 s (target < 60 s)"])
    per_person = {"seconds": 5.0, "statements": 2000, "reminders": 1500, "candidates": 20000}
    verdict, reasons = report.reminders_verdict(per_person)
    assert verdict == "missed" and reasons[0].startswith("2000 SQL statements (target ≤ 56")
    assert report.reminders_verdict({"skipped": "--no-reminders"})[0] == "skipped"
