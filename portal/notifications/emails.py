"""Queueing and sending emails through the outbox.

A change that should email someone calls `queue_email(recipient, kind, **ids)` in its own
transaction: an outbox row and a `deliver_email` job, committed (or rolled back) with the
change. The job renders the email from templates/emails/<kind>.txt and .html when it
sends it, with the context its kind's builder gives (registered with `@email_kind`): a
builder may make a link's secret there and then, so no secret waits in the database.

Emails say what happened and link to the portal; they never carry reflections or case
detail (`PORTAL_BASE_URL` makes the link, never a request's Host header).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select

from portal.core import audit, jobs
from portal.core.db import db, utcnow
from portal.core.mail import Email, EmailNotSent, EmailRefused, send_email
from portal.notifications.email_models import EmailState, OutgoingEmail


@dataclass(frozen=True)
class EmailKind:
    name: str
    subject: str
    # The template's context, made when the email is sent (may flush new rows).
    build: Callable[[OutgoingEmail], dict]


KINDS: dict[str, EmailKind] = {}


def email_kind(name: str, subject: str):
    """Register the decorated builder for emails of `kind` (templates/emails/<name>.*)."""

    def decorator(build):
        KINDS[name] = EmailKind(name=name, subject=subject, build=build)
        return build

    return decorator


def portal_base_url() -> str:
    """PORTAL_BASE_URL (required in production); the development server otherwise."""
    return current_app.config["PORTAL_BASE_URL"] or "http://127.0.0.1:5000"


def portal_link(endpoint: str, **values) -> str:
    """An absolute link for an email, built from settings: jobs run outside any request,
    and a request's Host header must never choose where an emailed link points."""
    base = urlsplit(portal_base_url())
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def queue_email(recipient, kind: str, **context) -> OutgoingEmail:
    """Send `kind` to `recipient` once this transaction commits (flushed, not committed)."""
    if kind not in KINDS:
        raise ValueError(f"unknown email kind {kind!r}")
    email = OutgoingEmail(recipient_id=recipient.id, to_address=recipient.email, kind=kind,
                          context=context, state=EmailState.QUEUED)
    db.session.add(email)
    db.session.flush()
    jobs.defer(deliver_email, email_id=email.id)
    return email


def can_retry(email: OutgoingEmail) -> bool:
    return email.state in {EmailState.FAILED, EmailState.REFUSED}


def retry_email(actor, email: OutgoingEmail) -> None:
    """An administrator sends a failed or refused email again (for example once the
    address has been corrected)."""
    if not can_retry(email):
        raise ValueError("Only a failed or refused email can be sent again")
    email.state = EmailState.QUEUED
    email.to_address = email.recipient.email
    db.session.flush()
    audit.record(actor, "email_retried", email, organisation_id=actor.organisation_id,
                 kind=email.kind)
    jobs.defer(deliver_email, email_id=email.id)


def render_email(email: OutgoingEmail) -> Email:
    kind = KINDS[email.kind]
    context = {"recipient": email.recipient, "sign_in_link": portal_link("accounts.sign_in"),
               "product": current_app.config["PRODUCT_NAME"], **kind.build(email)}
    return Email(
        to=email.recipient.email, subject=kind.subject,
        body=render_template(f"emails/{kind.name}.txt", **context),
        html=render_template(f"emails/{kind.name}.html", subject=kind.subject, **context),
        reference=str(email.id),
    )


def _record_failure(email_id: int, state: EmailState, reason: str) -> None:
    """Keep what went wrong (the send's own changes, such as a link issued, are undone)."""
    db.session.rollback()
    email = db.session.get(OutgoingEmail, email_id)
    email.state, email.last_error = state, reason[:300]
    email.attempts += 1
    email.attempted_at = utcnow()
    db.session.commit()


@jobs.job("notifications.deliver_email")
def deliver_email(email_id: int) -> None:
    """Send one outbox email. Locked while sending, so two workers never both send it;
    a sent, refused or cancelled email is left alone."""
    email = db.session.scalar(
        select(OutgoingEmail).where(OutgoingEmail.id == email_id).with_for_update())
    if email is None or email.state not in {EmailState.QUEUED, EmailState.FAILED}:
        return
    if not email.recipient.active:
        _record_failure(email_id, EmailState.CANCELLED, "The account was deactivated")
        return
    try:
        message = render_email(email)
        send_email(message)
    except EmailRefused as error:
        _record_failure(email_id, EmailState.REFUSED, str(error))
        return
    except Exception as error:
        # Shown in the outbox (the provider's reason, or what broke), and tried again
        # later with a growing wait.
        reason = str(error) if isinstance(error, EmailNotSent) else type(error).__name__
        _record_failure(email_id, EmailState.FAILED, reason)
        raise
    email.state, email.last_error = EmailState.SENT, None
    email.to_address = message.to
    email.attempts += 1
    email.attempted_at = email.sent_at = utcnow()
