"""Real peers the tests start on 127.0.0.1 and stop themselves: an SMTP server (aiosmtpd),
a stub of GOV.UK Notify's HTTP API, and job workers (`flask --app portal worker`)."""

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from portal import PROJECT_ROOT
from portal.core.db import db


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpInbox:
    """What the SMTP server received. Addresses starting 'refused' get a 550 at RCPT."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refused"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


@contextmanager
def smtp_server():
    inbox = SmtpInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp(app):
    """An SMTP server on 127.0.0.1, and the app sending to it while the test runs."""
    with smtp_server() as (port, inbox):
        saved = {key: app.config.get(key) for key in
                 ("MAIL_BACKEND", "MAIL_PROVIDER", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
        app.config.update(MAIL_BACKEND="", MAIL_PROVIDER="smtp", MAIL_SERVER="127.0.0.1",
                          MAIL_PORT=port, MAIL_USE_TLS=False)
        try:
            yield inbox
        finally:
            app.config.update(saved)


NOTIFY_SERVICE_ID = "26785a09-ab16-4eb0-8407-a37497a57506"
NOTIFY_API_KEY = f"portal_test-{NOTIFY_SERVICE_ID}-3d844edf-8d35-48ac-975b-e847b4f122b0"


class NotifyStub(BaseHTTPRequestHandler):
    """POST /v2/notifications/email as GOV.UK Notify answers it: 201, or 400 for an
    address it will not send to ('invalid...'), or 500 for 'broken...'."""

    received: list  # set per server

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.received.append({"path": self.path, "json": body,
                                      "authorization": self.headers.get("Authorization", "")})
        address = body.get("email_address", "")
        if address.startswith("invalid"):
            self._answer(400, {"status_code": 400, "errors": [
                {"error": "ValidationError",
                 "message": "email_address Not a valid email address"}]})
        elif address.startswith("broken"):
            self._answer(500, {"status_code": 500, "errors": [
                {"error": "Exception", "message": "Internal server error"}]})
        else:
            self._answer(201, {"id": "740e5834-3a29-46b4-9a6f-16142fde533a",
                               "reference": body.get("reference"),
                               "content": {"subject": "s", "body": "b"},
                               "template": {"id": body["template_id"], "version": 1}})

    def _answer(self, status: int, payload: dict):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep the test output quiet
        pass


@pytest.fixture
def notify(app):
    """A stub of Notify's API on 127.0.0.1, and the app sending through it."""
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), NotifyStub)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    keys = ("MAIL_BACKEND", "MAIL_PROVIDER", "NOTIFY_API_KEY", "NOTIFY_BASE_URL",
            "NOTIFY_TEMPLATE_ID")
    saved = {key: app.config.get(key) for key in keys}
    app.config.update(MAIL_BACKEND="", MAIL_PROVIDER="notify", NOTIFY_API_KEY=NOTIFY_API_KEY,
                      NOTIFY_BASE_URL=f"http://127.0.0.1:{server.server_port}",
                      NOTIFY_TEMPLATE_ID="f33517ff-2a88-4f6e-b855-c550268ce08a")
    try:
        yield server.received
    finally:
        app.config.update(saved)
        server.shutdown()
        server.server_close()


def start_worker(tmp_path, smtp_port: int, *extra: str) -> subprocess.Popen:
    """`flask --app portal worker` in a process of its own, on the suite's database, sending
    to the test's SMTP server."""
    environment = {
        **os.environ, "PORTAL_ENV": "development", "PORTAL_INSTANCE_PATH": str(tmp_path),
        "DATABASE_URL": db.engine.url.render_as_string(hide_password=False),
        "PORTAL_BASE_URL": "https://portal.council.example", "MAIL_PROVIDER": "smtp",
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(smtp_port), "MAIL_USE_TLS": "0",
        "PYTHONPATH": str(PROJECT_ROOT),
    }
    return subprocess.Popen(  # noqa: S603 (our own interpreter and fixed arguments)
        [sys.executable, "-m", "flask", "--app", "portal", "worker", "--concurrency", "2",
         *extra], cwd=PROJECT_ROOT, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def stop_worker(worker: subprocess.Popen) -> str:
    worker.send_signal(signal.SIGTERM)  # a graceful stop: jobs in hand are finished
    try:
        output, _ = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output.decode(errors="replace")


def wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False
