"""Wiring Flask-Login to the user table, with per-user session tokens."""

import secrets
import time

from flask import current_app, g, request, url_for
from flask import session as flask_session
from flask_login import login_user

from portal.accounts import queries
from portal.accounts.models import User
from portal.core.errors import session_ended_fragment
from portal.core.extensions import login_manager

SIGNED_IN_AT = "signed_in_at"  # session key: when this session began (seconds)


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Accept the cookie only while the user's session token is unchanged."""
    user_id, _, token = session_id.partition(".")
    if not user_id.isdigit() or not token or not _within_session_hours():
        return None
    row = queries.signed_in_user(int(user_id))
    if row is None:
        return None
    user, unread_count, roles, organisation_name, team_name = row
    if not user.active or not secrets.compare_digest(user.session_token, token):
        return None
    user.remember_loaded(roles, organisation_name, team_name)
    g.unread_notification_count = unread_count or 0
    return user


def _within_session_hours() -> bool:
    """A session ends SESSION_HOURS after sign-in, however busy it has been. (The cookie's
    own signature dates from the session's last change, which a flash message renews.)"""
    started = flask_session.get(SIGNED_IN_AT)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    return isinstance(started, int) and 0 <= time.time() - started <= lifetime


@login_manager.unauthorized_handler
def unauthorised():
    """Send people to sign in; htmx requests get an explanation instead of a redirect."""
    if getattr(request, "htmx", None):
        return session_ended_fragment(401)
    from flask import redirect

    next_path = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("accounts.sign_in", next=next_path), code=303)


def start_session(user: User) -> None:
    """Rotate the session at sign-in so nothing from before it carries over."""
    flask_session.clear()
    login_user(user)
    flask_session[SIGNED_IN_AT] = int(time.time())
    flask_session.permanent = True
