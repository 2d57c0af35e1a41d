"""Wiring Flask-Login to the user table, with per-user session tokens."""

import secrets

from flask import request, url_for
from flask import session as flask_session
from flask_login import login_user
from sqlalchemy.orm import joinedload

from portal.accounts.models import User
from portal.core.db import db
from portal.core.extensions import login_manager
from portal.core.htmx import render


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Accept the cookie only while the user's session token is unchanged."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit() or not token:
        return None
    # The header shows the user's council on every page: load it with the user.
    user = db.session.get(User, int(user_id), options=[
        joinedload(User.organisation), joinedload(User.role_grants)])
    if user is None or not user.active:
        return None
    if not secrets.compare_digest(user.session_token, token):
        return None
    return user


@login_manager.unauthorized_handler
def unauthorised():
    """Send people to sign in; htmx requests get an explanation instead of a redirect."""
    if getattr(request, "htmx", None):
        return session_ended_fragment(401)
    from flask import redirect

    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.sign_in", next=next_path), code=303)


def session_ended_fragment(status: int):
    """Tell an htmx user their session ended, in the live region, leaving the form as it is.

    Retargeting to the notification area means the text someone was writing is not
    replaced by the message.
    """
    response = render("accounts/_session_ended.html", status=status,
                      sign_in_url=url_for("accounts.sign_in"))
    response.headers["HX-Retarget"] = "#notifications"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def start_session(user: User) -> None:
    """Rotate the session at sign-in so nothing from before it carries over."""
    flask_session.clear()
    login_user(user)
    flask_session.permanent = True
