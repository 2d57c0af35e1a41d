"""The database handle, naming convention, SQLite foreign keys and PostgreSQL's
prepared statements."""

from datetime import UTC, datetime

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

try:  # the PostgreSQL driver; SQLite-only installs do without it
    import psycopg
    from psycopg import pq
except ImportError:  # pragma: no cover
    psycopg = None

# Named constraints make migrations portable and batch-mode friendly on SQLite.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate(compare_type=True, render_as_batch=True)


# The longest statement whose conversion psycopg keeps (see _cache_long_statements).
LONGEST_KEPT_STATEMENT = 16384


def utcnow() -> datetime:
    """Timezone-aware now; stored as UTC."""
    return datetime.now(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_foreign_keys(dbapi_connection, _record):
    """SQLite ignores foreign keys unless asked on every connection."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


if psycopg is not None:
    class StatementKeepingConnection(psycopg.Connection):
        """A psycopg connection whose prepared statements outlive a clean rollback.

        psycopg prepares a statement on the server once it has run five times on a
        connection, so PostgreSQL stops planning it again: for the portal's statements
        planning took two to three times as long as running them. But psycopg also forgets
        every prepared statement on rollback, and every request ends with one (a read-only
        request has nothing to commit), so nothing ever reached five runs.

        PostgreSQL itself keeps prepared statements across a rollback: they belong to the
        session, not the transaction. So a rollback of a healthy transaction is sent as a
        plain ROLLBACK that leaves psycopg's cache alone. A failed transaction, or one in
        pipeline mode, goes through psycopg's own rollback, which clears the cache as
        before, because a statement prepared there may not exist on the server.
        """

        def rollback(self) -> None:
            pgconn = self.pgconn
            # psycopg's own bookkeeping for its transaction blocks and two-phase commits
            # must see the rollback too; the portal uses neither, SQLAlchemy might.
            own_blocks = getattr(self, "_num_transactions", 0) or getattr(self, "_tpc", None)
            if (pgconn.transaction_status != pq.TransactionStatus.INTRANS
                    or pgconn.pipeline_status != pq.PipelineStatus.OFF or own_blocks):
                super().rollback()
                return
            with self.lock:
                result = pgconn.exec_(b"ROLLBACK")
            if result.status != pq.ExecStatus.COMMAND_OK:
                raise psycopg.OperationalError(
                    pq.error_message(result, encoding=self.info.encoding))

    def _cache_long_statements() -> None:
        """psycopg keeps the converted form of each statement it runs (its %(name)s
        placeholders turned into $1, $2...) unless the statement is over 4 KB, when it
        converts it again on every run. The portal's statements are built once and reused,
        so the long ones (the work queue's UNION) are kept too."""
        from psycopg import _queries

        if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", None) is not None:
            _queries.MAX_CACHED_STATEMENT_LENGTH = max(_queries.MAX_CACHED_STATEMENT_LENGTH,
                                                       LONGEST_KEPT_STATEMENT)

    _cache_long_statements()

    @event.listens_for(Engine, "do_connect")
    def _keep_prepared_statements(dialect, _record, cargs, cparams):
        """Connect PostgreSQL engines through StatementKeepingConnection."""
        if dialect.driver == "psycopg":
            return StatementKeepingConnection.connect(*cargs, **cparams)
        return None
