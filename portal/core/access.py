"""One vocabulary of access rules for every route.

Each view is wrapped in exactly one rule, which marks it with `access_rule`. A
before-request hook refuses any endpoint without a rule (fail closed), and a test walks
`app.url_map` so a forgotten rule is caught before it ships.
"""

from enum import StrEnum
from functools import wraps

from flask import abort, current_app, request
from flask_login import current_user


def _mark(view, rule: str):
    view.access_rule = rule
    return view


def public(view):
    """Anyone, signed in or not (sign-in, password reset, assets)."""
    return _mark(view, "public")


def signed_in(view):
    """Any active, signed-in user."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        return view(*args, **kwargs)

    return _mark(wrapper, "signed_in")


def requires_role(*roles: StrEnum):
    """A signed-in user holding at least one of `roles`; others get 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not current_user.has_any_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return _mark(wrapper, "role:" + ",".join(sorted(r.value for r in roles)))

    return decorator


def refuse_unruled_endpoints():
    """Fail closed: a route that nobody gave an access rule is not served."""
    if request.endpoint is None:
        return None
    view = current_app.view_functions.get(request.endpoint)
    if view is not None and not hasattr(view, "access_rule"):
        current_app.logger.error("route %s has no access rule", request.endpoint)
        abort(404)
    return None
