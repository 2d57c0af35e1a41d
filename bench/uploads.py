"""Put the bench database back as it was after a run's uploads.

The upload page adds an attachment row (and its audit row, and its one-time form key) per
request: thousands a run.
Left in place they would grow the data set from run to run, so later runs would measure a
different database. The files themselves go with the run's temporary upload folder.
"""

from contextlib import contextmanager

from sqlalchemy import create_engine, text


def _engine(database_url: str):
    return create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))


def _marks(connection) -> dict:
    return {table: connection.scalar(text(f"SELECT coalesce(max(id), 0) FROM {table}"))  # noqa: S608
            for table in ("attachment", "audit_event", "form_submission")}


# Only the bench accounts' files, and only the audit rows that recorded them: pointed at
# a database that real people use, the clean-up must not touch anything of theirs.
_ADDED_BY_BENCH = text(
    "SELECT id, owner_id, size_bytes FROM attachment WHERE id > :attachment AND owner_id IN "
    "(SELECT id FROM user_account WHERE email LIKE :bench)")
_TAKE_OFF_TOTAL = text(
    "UPDATE user_account SET attachment_bytes = attachment_bytes - :size WHERE id = :owner")
_DELETE_AUDIT_ROW = text(
    "DELETE FROM audit_event WHERE id > :audit AND action = 'attachment_added' "
    "AND object_type = 'attachment' AND object_id = :attachment_id")
_DELETE_ATTACHMENT = text("DELETE FROM attachment WHERE id = :attachment_id")
# Each upload claimed a one-time form key (portal.core.once): those go too.
_DELETE_FORM_KEYS = text(
    "DELETE FROM form_submission WHERE id > :form_submission AND user_id IN "
    "(SELECT id FROM user_account WHERE email LIKE :bench)")


def remove_uploads_since(connection, marks: dict) -> int:
    """Delete the bench accounts' attachments added after `marks` (and the audit rows that
    recorded them), taking their sizes off their owners' running totals; the number
    removed."""
    from bench.run import BENCH_EMAILS

    added = connection.execute(_ADDED_BY_BENCH, {"attachment": marks["attachment"],
                                                 "bench": BENCH_EMAILS}).all()
    connection.execute(_DELETE_FORM_KEYS, {"form_submission": marks["form_submission"],
                                           "bench": BENCH_EMAILS})
    sizes: dict[int, int] = {}
    for _id, owner_id, size in added:
        sizes[owner_id] = sizes.get(owner_id, 0) + size
    if sizes:
        connection.execute(_TAKE_OFF_TOTAL, [{"owner": owner, "size": size}
                                             for owner, size in sizes.items()])
        rows = [{"attachment_id": attachment_id, "audit": marks["audit_event"]}
                for attachment_id, _owner, _size in added]
        connection.execute(_DELETE_AUDIT_ROW, rows)
        connection.execute(_DELETE_ATTACHMENT, rows)
    return len(added)


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
