"""The database connections the portal is given: SQLite enforcing foreign keys, PostgreSQL
through a pool sized for gunicorn's threads."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from portal.config import POSTGRES_POOL
from portal.core.db import db


def test_a_rollback_undoes_the_transaction(app):
    with db.engine.connect() as connection:
        connection.execute(text(
            "INSERT INTO organisation (name, short_name) VALUES ('Rolled back', 'rb')"))
        connection.rollback()
        assert connection.execute(text(
            "SELECT count(*) FROM organisation WHERE short_name = 'rb'")).scalar() == 0


def test_foreign_keys_are_enforced(app):
    """SQLite ignores them unless asked on every connection."""
    with db.engine.connect() as connection, pytest.raises(IntegrityError):
        connection.execute(text(
            "INSERT INTO team (name, organisation_id) VALUES ('Nowhere', 999999)"))


def test_postgresql_connections_come_from_a_pool_sized_for_the_threads(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's pool is SQLAlchemy's default for files")
    assert db.engine.pool.size() == POSTGRES_POOL["pool_size"]
