"""`flask --app portal retention run [--dry-run]`: the daily run, by hand or from cron."""

import click
from flask.cli import AppGroup

from portal.core.db import db
from portal.data_protection import retention

retention_cli = AppGroup("retention", help="The data retention schedule.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what is due; change nothing.")
def run_command(dry_run: bool) -> None:
    """Delete what is past its retention period (safe to repeat)."""
    counts = retention.run(dry_run=dry_run)
    if not dry_run:
        db.session.commit()
    verb = "Due" if dry_run else "Removed"
    for rule in retention.SCHEDULE:
        click.echo(f"{verb}: {counts[rule.kind]} {rule.records.lower()}")
