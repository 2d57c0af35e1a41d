"""Accepting an invitation (setting a first password) and resending one."""

from flask import Blueprint, flash, request, session, url_for
from flask_login import current_user

from portal.accounts.admin_views import administrators_only, get_user_in_my_organisation
from portal.accounts.forms import ResetPasswordForm
from portal.accounts.invitations import accept_invitation, invite, valid_invitation
from portal.accounts.operations import AccountError
from portal.accounts.session import start_session
from portal.core.access import public
from portal.core.db import db
from portal.core.forms import OnceConfirmForm
from portal.core.htmx import redirect_to, render

bp = Blueprint("invitations", __name__)

# The link's secret leaves the address bar on first use and waits in the (signed) session
# cookie, so it is not in the browser history, a Referer header or the pages' own logs.
SESSION_KEY = "invitation_token"


@bp.route("/invitation", methods=["GET", "POST"])
@public
def accept():
    token = request.args.get("token")
    if token:
        session[SESSION_KEY] = token[:100]
        return redirect_to(url_for("invitations.accept"))
    secret = session.get(SESSION_KEY)
    invitation = valid_invitation(secret)
    if invitation is None:
        return render("accounts/invitation_invalid.html", status=404)
    form = ResetPasswordForm()
    form.for_account(invitation.user)
    if form.validate_on_submit():
        user = accept_invitation(secret, form.new_password.data)
        db.session.commit()
        start_session(user)  # a fresh session, without the secret
        flash("Your password has been set. Welcome to the portal.", "success")
        return redirect_to(url_for("home.index"))
    return render("accounts/invitation.html", form=form, invited=invitation.user,
                  status=400 if form.errors else 200)


@bp.route("/admin/users/<int:user_id>/invitation", methods=["POST"])
@administrators_only
def resend(user_id: int):
    user = get_user_in_my_organisation(user_id)
    form = OnceConfirmForm()  # sent twice (a double click), one new invitation goes
    if form.validate_on_submit():
        try:
            invite(current_user, user)
            form.created(url_for("users.edit", user_id=user.id))
        except AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"A new invitation is on its way to {user.email}. Earlier links no "
                  "longer work.", "success")
    return redirect_to(url_for("users.edit", user_id=user.id))
