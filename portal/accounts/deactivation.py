"""What an administrator is warned of before deactivating an account.

Accounts sits at the bottom of the layering and knows no package above it; a package
that has something to say (panels: a member of an upcoming panel) adds a check when its
blueprint is registered. A check takes the account and returns sentences to show.
"""

from collections.abc import Callable

from flask import Flask, current_app

from portal.accounts.models import User

DeactivationCheck = Callable[[User], list[str]]
EXTENSION = "portal_deactivation_checks"


def add_deactivation_check(app: Flask, check: DeactivationCheck) -> None:
    app.extensions.setdefault(EXTENSION, []).append(check)


def deactivation_warnings(user: User) -> list[str]:
    """Every check's warnings about deactivating `user` (none for an inactive account)."""
    if not user.active:
        return []
    return [warning for check in current_app.extensions.get(EXTENSION, [])
            for warning in check(user)]
