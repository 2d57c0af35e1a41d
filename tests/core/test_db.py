"""PostgreSQL connections keep their prepared statements across a clean rollback."""

import pytest
from sqlalchemy import text

from portal.core.db import db

STATEMENT = "SELECT count(*) FROM user_account WHERE id > :floor"


@pytest.fixture
def postgres(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's (SQLite has none to keep)")
    return db.engine


PREPARED = "SELECT count(*) FROM user_account WHERE id > $1"


def _prepared(connection) -> int:
    """How many times the server holds STATEMENT prepared on this connection."""
    return connection.execute(text(
        "SELECT count(*) FROM pg_prepared_statements WHERE statement = :statement"),
        {"statement": PREPARED}).scalar()


def test_a_statement_run_in_many_rolled_back_transactions_is_prepared_once(postgres):
    """Every request ends in a rollback; psycopg used to forget its prepared statements
    then, so PostgreSQL planned every statement of every request again."""
    with postgres.connect() as connection:
        raw = connection.connection.dbapi_connection
        for floor in range(8):
            connection.execute(text(STATEMENT), {"floor": floor})
            connection.rollback()
        assert connection.connection.dbapi_connection is raw
        assert _prepared(connection) == 1


def test_a_rollback_still_undoes_the_transaction(postgres):
    with postgres.connect() as connection:
        connection.execute(text(
            "INSERT INTO organisation (name, short_name) VALUES ('Rolled back', 'rb')"))
        connection.rollback()
        assert connection.execute(text(
            "SELECT count(*) FROM organisation WHERE short_name = 'rb'")).scalar() == 0


def test_a_failed_transaction_rolls_back_and_forgets_its_statements(postgres):
    """After an error the server may lack what psycopg thinks it prepared: psycopg's own
    rollback runs and clears its cache, and the connection works again."""
    with postgres.connect() as connection:
        for floor in range(6):
            connection.execute(text(STATEMENT), {"floor": floor})
        assert _prepared(connection) == 1
        with pytest.raises(Exception, match="no_such_table"):
            connection.execute(text("SELECT * FROM no_such_table"))
        connection.rollback()
        assert _prepared(connection) == 0
        assert connection.execute(text(STATEMENT), {"floor": 0}).scalar() == 0


def test_psycopgs_own_transaction_blocks_keep_their_rules(postgres):
    """Inside psycopg's `transaction()` block an explicit rollback is refused, as psycopg
    means it to be: the plain ROLLBACK is only for transactions it does not track."""
    import psycopg

    from portal.core.db import StatementKeepingConnection

    url = postgres.url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = StatementKeepingConnection.connect(url)
    try:
        with pytest.raises(psycopg.ProgrammingError), connection.transaction():
            connection.execute("SELECT 1")
            connection.rollback()
    finally:
        connection.close()


def test_a_long_statement_is_converted_once_not_on_every_run(postgres):
    """psycopg converts placeholders again for every run of a statement over 4 KB unless
    told to keep it; the work queue's UNION is longer than that."""
    from psycopg import _queries

    padding = " ".join(f"AND {n} = {n}" for n in range(600))  # well over 4 KB
    statement = f"SELECT count(*) FROM user_account WHERE id > :floor {padding}"  # noqa: S608 (numbers only)
    assert 4096 < len(statement) < _queries.MAX_CACHED_STATEMENT_LENGTH
    with postgres.connect() as connection:
        connection.execute(text(statement), {"floor": 0})
        before = _queries._query2pg.cache_info().hits
        for floor in range(3):
            connection.execute(text(statement), {"floor": floor})
        assert _queries._query2pg.cache_info().hits >= before + 3
