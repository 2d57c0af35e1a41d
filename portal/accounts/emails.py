"""The emails about an account: password reset links and invitations."""

from flask import current_app

from portal.accounts import invitations, operations
from portal.accounts.models import User
from portal.core import jobs
from portal.core.db import db
from portal.notifications.emails import email_kind, portal_link, queue_email


@jobs.job("accounts.request_password_reset")
def request_password_reset(account_id: int | None) -> None:
    """Someone asked for a reset link. The request looked the address up and deferred this
    job either way (`account_id` None when no account has it), so its timing says nothing
    about whether an account exists, and the job's arguments (which the worker logs) hold
    no address. Only an active account is emailed."""
    user = db.session.get(User, account_id) if account_id is not None else None
    if user is not None and user.active:
        queue_email(user, "password_reset")


@email_kind("password_reset", subject="Reset your password")
def _password_reset_email(email) -> dict:
    # The link's secret is made now, when it is sent: only its hash is stored.
    secret = operations.issue_password_reset(email.recipient)
    return {"link": portal_link("accounts.reset_password", token=secret),
            "hours": current_app.config["PASSWORD_RESET_HOURS"]}


@email_kind("invitation", subject="You have been invited to the portal")
def _invitation_email(email) -> dict:
    secret = invitations.issue_invitation(email.recipient)
    return {"link": portal_link("invitations.accept", token=secret),
            "days": current_app.config["INVITATION_DAYS"]}
