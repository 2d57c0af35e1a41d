"""The restore drill: a backup restored into scratch copies holds the same rows, the same
snapshot hashes and the same files; a difference is reported, not missed."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL

from portal.backups.drill import (
    DrillError,
    back_up_sqlite,
    check_restore,
    copy_files,
    read_facts,
    run_drill,
    scratch_database_name,
)
from portal.core.db import db
from portal.core.storage import get_storage
from portal.portfolios.snapshots import freeze
from tests.conftest import sign_in
from tests.evidence.uploads import PDF, make_entry, upload
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def portfolio_with_a_file(app, client, org):
    """A candidate's portfolio with a frozen snapshot and an attached file, committed."""
    portfolio = make_portfolio(org)
    entry = make_entry(portfolio.candidate)
    freeze(portfolio, "panel", None, portfolio.candidate)
    db.session.commit()
    sign_in(client, portfolio.candidate)
    assert upload(client, entry.id, ("Supervision notes.pdf", PDF)).status_code == 303
    return portfolio


def test_a_restored_backup_has_the_same_rows_snapshots_and_files(app, portfolio_with_a_file,
                                                                 tmp_path):
    report = run_drill(db.engine, app.config["UPLOAD_DIR"], get_storage(), tmp_path)
    assert report.problems == []
    assert report.snapshots == 1 and report.files == 1
    assert report.rows > 10 and report.tables > 20


def test_the_command_says_the_drill_passed(app, portfolio_with_a_file):
    result = app.test_cli_runner().invoke(args=["backup", "drill"])
    assert result.exit_code == 0, result.output
    assert "The restore drill passed" in result.output
    assert "1 snapshots and 1 files" in result.output


def _sqlite_copy(app, tmp_path: Path):
    """A restored SQLite copy and file store to tamper with (the live data stay intact)."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("tampering with a copy is shown on SQLite; the drill runs on both")
    copy = tmp_path / "copy.db"
    back_up_sqlite(db.engine.url, copy)
    return create_engine(URL.create("sqlite", database=str(copy))), copy_files(
        app.config["UPLOAD_DIR"], tmp_path / "files")


def test_a_changed_or_missing_file_is_reported(app, portfolio_with_a_file, tmp_path):
    live = read_facts(db.engine)
    restored, files = _sqlite_copy(app, tmp_path)
    ((attachment_id, (stored_name, _sha)),) = live.attachment_hashes.items()
    files.path(stored_name).write_bytes(b"not the file that was uploaded")
    report = check_restore(live, restored, files)
    assert report.problems == [f"attachment {attachment_id}: file missing or changed"]
    files.path(stored_name).unlink()
    assert not check_restore(live, restored, files).passed
    restored.dispose()


def test_a_changed_snapshot_or_a_lost_row_is_reported(app, portfolio_with_a_file, tmp_path):
    live = read_facts(db.engine)
    restored, files = _sqlite_copy(app, tmp_path)
    with restored.begin() as connection:
        connection.execute(text(
            "UPDATE portfolio_snapshot SET content = '{\"entries\": []}'"))
        connection.execute(text("DELETE FROM audit_event WHERE id = "
                                "(SELECT max(id) FROM audit_event)"))
    problems = check_restore(live, restored, files).problems
    restored.dispose()
    count = live.row_counts["audit_event"]
    assert problems == [
        f"table audit_event: {count} rows live, {count - 1} restored",
        f"snapshot {next(iter(live.snapshot_hashes))}: content does not match its SHA-256"]


def test_the_drill_leaves_no_scratch_database_or_folder_behind(app, portfolio_with_a_file,
                                                             tmp_path):
    run_drill(db.engine, app.config["UPLOAD_DIR"], get_storage(), tmp_path)
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            scratch = connection.scalar(text(
                "SELECT count(*) FROM pg_database WHERE datname LIKE '%restore_drill'"))
        assert scratch == 0
    shutil.rmtree(tmp_path)


@pytest.mark.parametrize("name", ['portal"; DROP DATABASE x; --', "a" * 41, ""])
def test_a_database_name_that_is_not_plain_is_refused(name):
    with pytest.raises(DrillError):
        scratch_database_name(name)


def test_the_scratch_database_is_named_after_the_live_one():
    assert scratch_database_name("portal") == "portal_restore_drill"
