"""The restore drill: back up the live database and file store, restore both into empty
scratch copies, and check the copies hold the same data.

Checked after the restore:
- every table has the same number of rows;
- every snapshot's content still hashes to the SHA-256 shown to its candidate, and that
  SHA-256 is the one the live database holds;
- every attachment's file is in the restored file store with the SHA-256 its row records.

PostgreSQL is backed up with `pg_dump --format=custom` and restored with `pg_restore` into a
scratch database made for the drill; SQLite with its own online backup (Python's
`sqlite3.Connection.backup`). Files on local disk are copied; with S3 storage the bucket's
versioning is the backup (docs/operations.md), so the drill checks the restored rows
against the bucket itself.
"""

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, func, inspect, select, table, text
from sqlalchemy.engine import URL, Engine

from portal.core.storage import LocalFileStorage, Storage, StorageError
from portal.evidence.models import Attachment
from portal.portfolios.models import PortfolioSnapshot
from portal.portfolios.snapshots import content_hash


@dataclass
class Facts:
    """What the drill compares: rows per table, snapshot hashes, attachment hashes."""

    row_counts: dict[str, int]
    snapshot_hashes: dict[int, str]
    attachment_hashes: dict[int, tuple[str, str]]  # id -> (stored name, SHA-256)


@dataclass
class DrillReport:
    tables: int = 0
    rows: int = 0
    snapshots: int = 0
    files: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.problems


def read_facts(engine: Engine) -> Facts:
    """The facts of the database behind `engine` (a consistent read in one transaction)."""
    with engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        counts = {name: connection.scalar(select(func.count()).select_from(table(name)))
                  for name in names}
        snapshots = dict(connection.execute(
            select(PortfolioSnapshot.id, PortfolioSnapshot.sha256)).all())
        attachments = {row.id: (row.stored_name, row.sha256) for row in connection.execute(
            select(Attachment.id, Attachment.stored_name, Attachment.sha256))}
    return Facts(counts, snapshots, attachments)


def check_restore(live: Facts, restored: Engine, files: Storage) -> DrillReport:
    """Compare the restored database and file store with the live facts."""
    report = DrillReport()
    copy = read_facts(restored)
    report.tables = len(copy.row_counts)
    report.rows = sum(copy.row_counts.values())
    for name in sorted(set(live.row_counts) | set(copy.row_counts)):
        if live.row_counts.get(name) != copy.row_counts.get(name):
            report.problems.append(
                f"table {name}: {live.row_counts.get(name)} rows live, "
                f"{copy.row_counts.get(name)} restored")
    _check_snapshots(live, restored, report)
    _check_files(copy, files, report)
    return report


def _check_snapshots(live: Facts, restored: Engine, report: DrillReport) -> None:
    with restored.connect() as connection:
        rows = connection.execute(select(
            PortfolioSnapshot.id, PortfolioSnapshot.content, PortfolioSnapshot.sha256))
        for snapshot_id, content, sha256 in rows:
            report.snapshots += 1
            if content_hash(content) != sha256:
                report.problems.append(f"snapshot {snapshot_id}: content does not match "
                                       "its SHA-256")
            if live.snapshot_hashes.get(snapshot_id) != sha256:
                report.problems.append(f"snapshot {snapshot_id}: SHA-256 differs from live")


def _check_files(copy: Facts, files: Storage, report: DrillReport) -> None:
    for attachment_id, (stored_name, sha256) in sorted(copy.attachment_hashes.items()):
        report.files += 1
        try:
            found = files.sha256(stored_name)
        except (StorageError, OSError):
            found = None
        if found != sha256:
            report.problems.append(f"attachment {attachment_id}: file missing or changed")


# Backing up and restoring -------------------------------------------------------------
class DrillError(Exception):
    """The drill could not run (a missing program, a failed dump or restore)."""


def _run_libpq_program(name: str, arguments: list[str], url: URL) -> None:
    """Run pg_dump or pg_restore against `url`; its password goes in the environment,
    not on the command line, where any local user could read it."""
    program = shutil.which(name)
    if program is None:
        raise DrillError(f"{name} is not installed (Debian: postgresql-client)")
    target = url.set(drivername="postgresql", password=None)
    environment = {**os.environ, "PGPASSWORD": url.password or ""}
    result = subprocess.run(  # noqa: S603 (a program found on PATH, our own arguments)
        [program, *arguments, target.render_as_string(hide_password=False)],
        capture_output=True, text=True, env=environment, check=False)
    if result.returncode != 0:
        raise DrillError(f"{name} failed: {result.stderr.strip()[-500:]}")


def back_up_postgresql(url: URL, dump: Path) -> None:
    _run_libpq_program("pg_dump", ["--format=custom", f"--file={dump}"], url)


def restore_postgresql(dump: Path, server: URL, scratch_name: str) -> URL:
    """A new, empty database `scratch_name` on the same server, restored from `dump`."""
    with _server_admin(server) as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))
        admin.execute(text(f'CREATE DATABASE "{scratch_name}"'))
    scratch = server.set(database=scratch_name)
    _run_libpq_program("pg_restore", ["--no-owner", "--exit-on-error", str(dump),
                                      "--dbname"], scratch)
    return scratch


def drop_postgresql(server: URL, scratch_name: str) -> None:
    with _server_admin(server) as admin:
        admin.execute(text(f'DROP DATABASE IF EXISTS "{scratch_name}"'))


@contextmanager
def _server_admin(server: URL) -> Iterator:
    """An autocommit connection to the server's maintenance database (CREATE DATABASE
    cannot run in a transaction)."""
    engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def back_up_sqlite(url: URL, copy: Path) -> None:
    """SQLite's online backup: a consistent copy even while the portal writes."""
    with closing(sqlite3.connect(url.database)) as live, \
            closing(sqlite3.connect(copy)) as backup:
        live.backup(backup)


def copy_files(upload_dir: str, destination: Path) -> LocalFileStorage:
    """A copy of the local file store (uploads in progress left behind)."""
    source = Path(upload_dir)
    if source.exists():
        shutil.copytree(source, destination, ignore=shutil.ignore_patterns("tmp"))
    else:
        destination.mkdir(parents=True)
    return LocalFileStorage(destination)


SAFE_DATABASE_NAME = re.compile(r"[A-Za-z0-9_]{1,40}")


def scratch_database_name(live_name: str) -> str:
    """The scratch database's name: the live one's with a suffix, refused unless plain
    (it goes into CREATE and DROP DATABASE, and PostgreSQL cuts names at 63 bytes)."""
    if not SAFE_DATABASE_NAME.fullmatch(live_name or ""):
        raise DrillError("The drill needs a database name of letters, digits and _ "
                         "(40 at most) to name its scratch copy")
    return f"{live_name}_restore_drill"


def run_drill(live: Engine, upload_dir: str | None, live_files: Storage,
              workdir: Path) -> DrillReport:
    """Back up, restore into scratch copies under `workdir` (and a scratch PostgreSQL
    database, dropped afterwards), and check. `upload_dir` is None with S3 storage."""
    facts = read_facts(live)
    url = live.url
    files = (copy_files(upload_dir, workdir / "files") if upload_dir is not None
             else live_files)
    if url.get_backend_name() == "sqlite":
        copy = workdir / "portal.db"
        back_up_sqlite(url, copy)
        restored = create_engine(URL.create("sqlite", database=str(copy)))
        try:
            return check_restore(facts, restored, files)
        finally:
            restored.dispose()
    dump = workdir.resolve() / "portal.dump"
    back_up_postgresql(url, dump)
    scratch_name = scratch_database_name(url.database)
    restored = create_engine(restore_postgresql(dump, url, scratch_name))
    try:
        return check_restore(facts, restored, files)
    finally:
        restored.dispose()
        drop_postgresql(url, scratch_name)
