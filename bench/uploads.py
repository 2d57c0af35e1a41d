"""Put the bench database back as it was after a run's uploads.

The upload page adds an attachment row (and its audit row) per request: thousands a run.
Left in place they would grow the data set from run to run, so later runs would measure a
different database. The files themselves go with the run's temporary upload folder.
"""

from contextlib import contextmanager

from sqlalchemy import create_engine, text


def _engine(database_url: str):
    return create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))


def _marks(connection) -> dict:
    return {table: connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: S608
            for table in ("attachment", "audit_event")}


def remove_uploads_since(connection, marks: dict) -> int:
    """Delete the attachments added after `marks` (and their audit rows), taking their
    sizes off their owners' running totals; the number removed."""
    since = {"attachment": marks["attachment"], "audit": marks["audit_event"]}
    added = connection.execute(text(
        "SELECT owner_id, sum(size_bytes), count(*) FROM attachment WHERE id > :attachment "
        "GROUP BY owner_id"), since).all()
    for owner_id, size, _count in added:
        connection.execute(text(
            "UPDATE user_account SET attachment_bytes = attachment_bytes - :size "
            "WHERE id = :owner"), {"size": size, "owner": owner_id})
    connection.execute(text(
        "DELETE FROM audit_event WHERE id > :audit AND action = 'attachment_added'"), since)
    connection.execute(text("DELETE FROM attachment WHERE id > :attachment"), since)
    return sum(count for _owner, _size, count in added)


@contextmanager
def uploads_undone(database_url: str):
    """Run the block, then remove every attachment it added."""
    engine = _engine(database_url)
    with engine.connect() as connection:
        marks = _marks(connection)
    try:
        yield
    finally:
        with engine.begin() as connection:
            removed = remove_uploads_since(connection, marks)
        engine.dispose()
        print(f"Removed the {removed} attachments this run uploaded.", flush=True)
