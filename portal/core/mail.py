"""Outgoing email through the provider the settings choose.

- `console`: printed to the console (development, `make run`);
- `smtp`: any SMTP server (MAIL_SERVER, MAIL_PORT, MAIL_USERNAME...);
- `notify`: GOV.UK Notify through notifications-python-client (NOTIFY_API_KEY and one
  Notify template, NOTIFY_TEMPLATE_ID, whose subject is ((subject)) and body ((body)));
- `memory`: kept in a list for the tests.

Nothing here is called inside a request: emails are sent by jobs (portal.core.jobs) from
the outbox (portal.notifications.emails), which records what happened. A provider raises
`EmailRefused` when the address itself is refused (never worth retrying) and `EmailNotSent`
for anything that may work later (the job retries it with a growing wait).
"""

import smtplib
import sys
from dataclasses import dataclass
from email.message import EmailMessage

from flask import current_app
from notifications_python_client.errors import APIError
from notifications_python_client.notifications import NotificationsAPIClient

PROVIDERS = ("console", "smtp", "notify", "memory", "none")


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    body: str  # plain text
    html: str = ""
    reference: str = ""  # the outbox id, given to providers that keep one


class EmailNotSent(RuntimeError):
    """The provider could not take the email now; trying again later may work."""


class EmailRefused(EmailNotSent):
    """The provider refused the address itself (invalid, unknown mailbox): never retried."""


def outbox() -> list[Email]:
    """The emails the `memory` provider has 'sent' (tests only)."""
    return current_app.extensions.setdefault("portal_outbox", [])


def provider() -> str:
    """The configured provider: MAIL_PROVIDER if set, else SMTP or Notify when their
    settings are given, else the console in development and nothing in production."""
    config = current_app.config
    configured = config.get("MAIL_PROVIDER") or config.get("MAIL_BACKEND")
    if configured:
        return configured
    if config.get("MAIL_SERVER"):
        return "smtp"
    if config.get("NOTIFY_API_KEY"):
        return "notify"
    return "console" if config["PORTAL_ENV"] == "development" else "none"


def send_email(email: Email) -> None:
    """Hand one email to the provider; raises EmailRefused or EmailNotSent."""
    chosen = provider()
    if chosen == "memory":
        outbox().append(email)
    elif chosen == "console":
        print(f"\n--- email to {email.to}: {email.subject} ---\n{email.body}\n--- end ---\n",
              file=sys.stderr)
    elif chosen == "smtp":
        _send_smtp(email)
    elif chosen == "notify":
        _send_notify(email)
    else:
        raise EmailNotSent("No email provider is configured (MAIL_SERVER or NOTIFY_API_KEY)")


def _send_smtp(email: Email) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    if email.html:
        message.add_alternative(email.html, subtype="html")
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                smtp.starttls()
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        reason = f"SMTP server refused the address ({', '.join(map(str, codes))})"
        if all(400 <= code < 500 for code in codes):
            raise EmailNotSent(reason) from error  # a temporary refusal (greylisting)
        raise EmailRefused(reason) from error
    except (smtplib.SMTPException, OSError) as error:
        raise EmailNotSent(f"SMTP: {type(error).__name__}: {error}"[:300]) from error


def _send_notify(email: Email) -> None:
    config = current_app.config
    client = NotificationsAPIClient(config["NOTIFY_API_KEY"], base_url=config["NOTIFY_BASE_URL"],
                                    timeout=20)
    try:
        client.send_email_notification(
            email_address=email.to, template_id=config["NOTIFY_TEMPLATE_ID"],
            personalisation={"subject": email.subject, "body": email.body},
            reference=email.reference or None,
        )
    except APIError as error:
        reason = f"GOV.UK Notify: {error.status_code} {error.message}"[:300]
        if error.status_code == 400 and "email_address" in str(error.message):
            raise EmailRefused(reason) from error
        raise EmailNotSent(reason) from error
    except OSError as error:
        raise EmailNotSent(f"GOV.UK Notify: {type(error).__name__}"[:300]) from error
