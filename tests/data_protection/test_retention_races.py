"""Two workers applying the schedule at the same moment (PostgreSQL): they take turns,
so each record goes once, each person is erased once, and neither fails."""

from datetime import date, timedelta

from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.data_protection import retention
from tests.data_protection.test_retention import _left, _reset_link, _runs
from tests.races import postgres_only, run_at_once


def test_two_runs_at_once_remove_each_record_once(app, subject, administrator):
    postgres_only()
    for number in range(5):
        _reset_link(administrator, utcnow() - timedelta(days=40), f"old-{number}")
    _left(subject, date(2015, 1, 1))
    db.session.commit()
    counts = []

    def apply(_loaded):
        counts.append(retention.run())

    outcomes = run_at_once(app, [(lambda: None, apply), (lambda: None, apply)], ())

    assert outcomes == ["won", "won"]
    assert sorted(c["password_resets"] for c in counts) == [0, 5]
    assert sorted(c["people_erased"] for c in counts) == [0, 1]
    assert len(_runs()) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "person.erased")) == 1
