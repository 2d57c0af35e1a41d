"""The erased accounts migration adds user_account.erased_at, whose CHECK refuses an
erased account that could still sign in; its downgrade drops it and keeps every account."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "b8d3f6a2c915", "a71e5c0d93b2"
ERASE = ("UPDATE user_account SET erased_at = '2026-12-14 09:00:00', active = :active, "
         "password_hash = :password_hash WHERE name = 'Cara'")


def _columns() -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("user_account")}


def test_the_column_comes_and_goes_and_refuses_an_erased_account_that_can_sign_in(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Ada")
        upgrade(revision=AFTER)
        assert "erased_at" in _columns()
        for wrong in ({"active": True, "password_hash": None},
                      {"active": False, "password_hash": "x"}):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text(ERASE), wrong)
        with db.engine.begin() as connection:
            connection.execute(text(ERASE), {"active": False, "password_hash": None})
        downgrade(revision=BEFORE)
        assert "erased_at" not in _columns()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
