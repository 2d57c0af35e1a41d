"""Guesses of a secret (a password or a code) are throttled the same way everywhere: per
address and per account, counting only failed attempts."""

from collections.abc import Callable

from flask import current_app

from portal.core.extensions import limiter


def failed(response) -> bool:
    """Only failed attempts use up the allowance: a success redirects (303, or 204 with
    HX-Redirect for htmx)."""
    return response.status_code not in {303, 204}


def throttled_like_sign_in(account_key: Callable[[], str]):
    """Limit a view's POSTs like sign-in: LOGIN_LIMIT_PER_IP per address and
    LOGIN_LIMIT_PER_ACCOUNT for the account `account_key()` names."""
    per_ip = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"],
                           deduct_when=failed)
    per_account = limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
                                methods=["POST"], key_func=account_key, deduct_when=failed)

    def decorate(view):
        return per_ip(per_account(view))

    return decorate
