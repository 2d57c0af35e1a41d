"""`flask --app portal backup drill`: prove today's backup can be restored."""

import sys
import tempfile
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.backups.drill import DrillError, run_drill
from portal.core.db import db
from portal.core.storage import get_storage

backup_cli = AppGroup("backup", help="Backups and the restore drill.")


@backup_cli.command("drill")
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path),
              help="Keep the backup and restored copies here (default: a temporary folder, "
                   "removed afterwards).")
def drill_command(workdir: Path | None) -> None:
    """Back up the database and files, restore them into scratch copies, and check that
    rows, snapshot hashes and file hashes all match. Exits 1 on any difference."""
    config = current_app.config
    upload_dir = config["UPLOAD_DIR"] if config.get("FILE_STORAGE", "local") != "s3" else None
    try:
        if workdir is not None:
            # The dump holds everyone's data: only this account may read the folder.
            workdir.mkdir(mode=0o700, parents=True, exist_ok=False)
            report = run_drill(db.engine, upload_dir, get_storage(), workdir)
        else:
            with tempfile.TemporaryDirectory(prefix="portal-drill-") as folder:
                report = run_drill(db.engine, upload_dir, get_storage(), Path(folder))
    except DrillError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {report.tables} tables ({report.rows} rows), "
               f"{report.snapshots} snapshots and {report.files} files.")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    if not report.passed:
        sys.exit(1)
    click.echo("The restore drill passed: rows, snapshot hashes and file hashes match.")
