"""Every log line carries its request's id (also sent back and shown on error pages), and
production writes one JSON object a line."""

import io
import json
import logging

from portal import create_app
from portal.core.logs import (
    NO_REQUEST,
    JsonFormatter,
    PortalLogHandler,
    RequestIdFilter,
    log_handler,
)
from tests.conftest import page


def _log_through(handler, app, url: str | None) -> str:
    logger = logging.getLogger("portal.test")
    logger.addHandler(handler)
    try:
        if url is None:
            logger.warning("outside a request")
        else:
            with app.test_request_context(url):
                logger.warning("inside %s", url)
    finally:
        logger.removeHandler(handler)
    return handler.stream.getvalue()


def test_json_lines_carry_the_request_id(app):
    line = json.loads(_log_through(log_handler("json", io.StringIO()), app, "/home"))
    assert line["message"] == "inside /home"
    assert line["level"] == "WARNING" and line["logger"] == "portal.test"
    assert len(line["request_id"]) == 32


def test_json_lines_outside_a_request_say_so(app):
    line = json.loads(_log_through(log_handler("json", io.StringIO()), app, None))
    assert line["request_id"] == NO_REQUEST


def test_text_lines_carry_the_request_id(app):
    text = _log_through(log_handler("text", io.StringIO()), app, "/home")
    assert "WARNING [" in text and "] portal.test: inside /home" in text


def test_each_response_has_its_own_request_id(client):
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert len(first.headers["X-Request-Id"]) == 32
    assert first.headers["X-Request-Id"] != second.headers["X-Request-Id"]


def test_an_error_page_shows_the_reference_to_quote(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    reference = page(response).select_one("main .portal-hash").get_text(strip=True)
    assert reference == response.headers["X-Request-Id"]


def test_a_production_app_logs_json_lines_to_stderr(app, monkeypatch, tmp_path):
    root = logging.getLogger()
    monkeypatch.setattr(root, "handlers", list(root.handlers))  # restored afterwards
    create_app({"PORTAL_ENV": "production", "SECRET_KEY": "p" * 48,
                "PORTAL_BASE_URL": "https://portal.example.gov.uk", "UPLOAD_DIR": str(tmp_path),
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "RATELIMIT_STORAGE_URI": "memory://"})
    (handler,) = [h for h in root.handlers if isinstance(h, PortalLogHandler)]
    assert isinstance(handler.formatter, JsonFormatter)
    assert any(isinstance(f, RequestIdFilter) for f in handler.filters)
