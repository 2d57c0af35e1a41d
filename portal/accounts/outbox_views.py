"""The administrator's outbox: what was emailed to whom and when, what failed and why."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.jobs import RETRY
from portal.core.pagination import paginate
from portal.notifications.email_models import EmailState, OutgoingEmail
from portal.notifications.emails import can_retry, retry_email

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")
administrators_only = requires_role(Role.ADMINISTRATOR)


def get_email_in_my_organisation(email_id: int) -> OutgoingEmail:
    """An email to someone in another council does not exist for you."""
    email = db.session.get(OutgoingEmail, email_id)
    if email is None or email.recipient.organisation_id != current_user.organisation_id:
        abort(404)
    return email


@bp.route("/")
@administrators_only
def index():
    state = request.args.get("state", "")
    statement = (
        select(OutgoingEmail, User.name)
        .join(User, User.id == OutgoingEmail.recipient_id)
        .where(User.organisation_id == current_user.organisation_id)
        .order_by(OutgoingEmail.created_at.desc(), OutgoingEmail.id.desc())
    )
    if state in {s.value for s in EmailState}:
        statement = statement.where(OutgoingEmail.state == state)
    page = paginate(statement, rows=True)
    return render("notifications/outbox.html", page=page, state=state, states=list(EmailState),
                  max_attempts=RETRY.max_attempts, can_retry=can_retry, confirm=ConfirmForm())


@bp.route("/<int:email_id>/retry", methods=["POST"])
@administrators_only
def retry(email_id: int):
    email = get_email_in_my_organisation(email_id)
    if ConfirmForm().validate_on_submit():
        try:
            retry_email(current_user, email)
        except ValueError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"The email to {email.to_address} will be sent again.", "success")
    return redirect_to(url_for("outbox.index", state=request.args.get("state") or None))
