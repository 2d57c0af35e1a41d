"""Outgoing email. SMTP when MAIL_SERVER is set; printed to the console in development.

Tests use the in-memory outbox (MAIL_BACKEND = "memory"). Later, notifications and
reminders will queue through here rather than send inside the request.
"""

import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage

from flask import after_this_request, current_app


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str


def outbox() -> list[Email]:
    return current_app.extensions.setdefault("portal_outbox", [])


def _backend() -> str:
    configured = current_app.config.get("MAIL_BACKEND")
    if configured:
        return configured
    if current_app.config.get("MAIL_SERVER"):
        return "smtp"
    return "console" if current_app.config["PORTAL_ENV"] == "development" else "none"


def send_after_response(to: str, subject: str, body: str) -> None:
    """Send once the response has gone, so how long SMTP takes tells an observer nothing
    (for example, whether an address has an account)."""
    app = current_app._get_current_object()

    @after_this_request
    def _send_when_closed(response):
        def _send():
            with app.app_context():
                send_email(to, subject, body)

        response.call_on_close(_send)
        return response


def send_email(to: str, subject: str, body: str) -> None:
    """Send one plain-text email through the configured backend."""
    email = Email(to=to, subject=subject, body=body)
    backend = _backend()
    if backend == "memory":
        outbox().append(email)
    elif backend == "console":
        print(f"\n--- email to {to}: {subject} ---\n{body}\n--- end ---\n", file=sys.stderr)
    elif backend == "smtp":
        _send_smtp(email)
    else:
        # No recipient or content in the log: only that delivery is not configured.
        current_app.logger.warning("email not sent: MAIL_SERVER is not configured")


def _send_smtp(email: Email) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
