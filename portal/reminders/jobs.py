"""The reminder jobs. Procrastinate defers the hourly tick once per hour however many
workers run (it records each periodic run under a unique key); the tick runs the day's
reminders at REMINDER_HOUR in England."""

from datetime import date, datetime

from flask import current_app

from portal.core import jobs
from portal.core.dates import UK
from portal.reminders.operations import send_daily_reminders


@jobs.job("reminders.daily")
def daily_reminders(day: str) -> None:
    send_daily_reminders(date.fromisoformat(day))


@jobs.queue.periodic(cron="0 * * * *", periodic_id="reminders")
@jobs.job("reminders.hourly", retry=None)
def hourly_tick(timestamp: int) -> None:
    now = datetime.fromtimestamp(timestamp, UK)
    if now.hour == current_app.config["REMINDER_HOUR"]:
        send_daily_reminders(now.date())
