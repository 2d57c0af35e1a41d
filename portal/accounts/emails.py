"""The emails about an account: password reset links and invitations."""

from flask import current_app

from portal.accounts import invitations, operations
from portal.core import jobs
from portal.notifications.emails import email_kind, portal_link, queue_email


@jobs.job("accounts.request_password_reset")
def request_password_reset(email: str) -> None:
    """Someone asked for a reset link for `email`. The request only deferred this job,
    whatever the address, so its timing says nothing about whether an account exists;
    the job finds out, and emails only an active account."""
    user = operations.find_by_email(email)
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
