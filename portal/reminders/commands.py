"""`flask --app portal reminders send`: the daily run, by hand or from cron (SQLite)."""



import click
from flask.cli import AppGroup

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.reminders.operations import send_daily_reminders

reminders_cli = AppGroup("reminders", help="Daily reminders and nudges.")


@reminders_cli.command("send")
@click.option("--day", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="The day to remind for (default: today in England).")
def send_command(day) -> None:
    """Send today's reminders (each once: safe to repeat)."""
    count = send_daily_reminders(day.date() if day else today_in_england())
    db.session.commit()
    click.echo(f"{count} reminders sent.")



