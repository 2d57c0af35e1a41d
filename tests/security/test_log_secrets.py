"""Logs hold no secrets: what people type (reflections, passwords), reset links' tokens and
email addresses never reach a log line, even when a save fails with a database error."""

import logging
import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from portal.core.db import db
from portal.core.logs import RequestIdFilter
from portal.core.mail import outbox
from tests import factories
from tests.conftest import sign_in

REFLECTION = "Secret reflection about the Okafor family and their youngest child"
TITLE = "Visit to Mr Okafor at home"
PASSWORD = "correct horse battery staple 42"


@pytest.fixture
def logs(caplog):
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


@contextmanager
def failing(statement_start: str):
    """The database refuses statements beginning `statement_start` (a real database
    error, raised by the driver with the statement's parameters)."""

    def break_statement(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(statement_start):
            statement = statement + " THIS IS NOT SQL"
        return statement, parameters

    event.listen(db.engine, "before_cursor_execute", break_statement, retval=True)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", break_statement)


def _logged(caplog) -> str:
    return caplog.text + "".join(str(record.__dict__) for record in caplog.records)


def test_a_failed_save_logs_neither_the_reflection_nor_the_title(client, org, logs,
                                                                  no_propagation):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    with failing("INSERT INTO evidence_entry"):
        response = client.post("/evidence/new", data={
            "title": TITLE, "occurred_on": ["3", "10", "2026"],
            "evidence_type": "critical_reflection", "reflection": REFLECTION,
            "anonymised_confirmed": "y"})
    # 500, or 503 where SQLite calls a syntax error an OperationalError.
    assert response.status_code in {500, 503}
    failures = [r for r in logs.records if r.exc_info]
    assert failures, "the failed save was not logged at all"
    assert failures[0].request_id == response.headers["X-Request-Id"]
    assert "INSERT INTO evidence_entry" in _logged(logs)
    assert REFLECTION not in _logged(logs) and TITLE not in _logged(logs)


def test_a_failed_password_reset_logs_neither_the_password_nor_the_token(
        client, org, logs, no_propagation):
    user = factories.user(org)
    db.session.commit()
    client.post("/password-reset", data={"email": user.email})
    link = re.search(r"https?://\S+(/password-reset/\S+)", outbox()[-1].body).group(1)
    token = link.split("token=")[1]
    client.get(link)
    with failing("UPDATE user_account"):
        response = client.post("/password-reset/set-password", data={
            "new_password": PASSWORD, "confirm_password": PASSWORD})
    assert response.status_code in {500, 503}
    assert [r for r in logs.records if r.exc_info]
    assert PASSWORD not in _logged(logs) and token not in _logged(logs)


def test_throttled_sign_ins_do_not_log_the_address(app, client, org, logs):
    user = factories.user(org, email="amara.okafor@example.org")
    db.session.commit()
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 15 minutes"
    try:
        for _ in range(3):
            response = client.post("/sign-in", data={"email": user.email, "password": "no"})
    finally:
        app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "5 per 15 minutes"
    assert response.status_code == 429
    assert "ratelimit" in logs.text  # the limiter did log the refusal
    assert "amara" not in _logged(logs).lower()
