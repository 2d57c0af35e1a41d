"""Log lines that can be traced and hold no secrets: a request id on every line (also on
the response and the error pages, so a user can quote it), JSON in production.

Values people type are never logged by the portal itself; database errors leave out the
values sent (SQLAlchemy's hide_parameters, in portal.config.engine_options).
"""

import json
import logging
import sys
import uuid

from flask import Flask, g, has_request_context

TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
NO_REQUEST = "-"


def request_id() -> str:
    """This request's id, made on first use (a template global for the error pages)."""
    if "request_id" not in g:
        g.request_id = uuid.uuid4().hex
    return g.request_id


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the request's id, or '-' outside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id() if has_request_context() else NO_REQUEST
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line, for a log collector."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


class PortalLogHandler(logging.StreamHandler):
    """The portal's own handler on the root logger (one, however many apps are made)."""


def log_handler(log_format: str, stream=None) -> PortalLogHandler:
    handler = PortalLogHandler(stream or sys.stderr)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if log_format == "json" else
                         logging.Formatter(TEXT_FORMAT))
    return handler


def configure_logging(log_format: str) -> None:
    """Send INFO and above to stderr in `log_format`, replacing an earlier portal handler."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, PortalLogHandler)]:
        root.removeHandler(handler)
    root.addHandler(log_handler(log_format))
    root.setLevel(logging.INFO)


def init_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        configure_logging(app.config["LOG_FORMAT"])
    @app.before_request
    def _start_request() -> None:
        request_id()  # made first, so the id is the same in every line of the request

    @app.after_request
    def _send_request_id(response):
        response.headers["X-Request-Id"] = request_id()
        return response

    app.jinja_env.globals["request_id"] = request_id
