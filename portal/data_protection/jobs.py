"""The daily retention run as a job. Procrastinate defers the hourly tick once per hour
however many workers run (it records each periodic run under a unique key); the tick
applies the schedule at RETENTION_HOUR in England. Run by hand with
`flask --app portal retention run`."""

from datetime import datetime

from flask import current_app

from portal.core import jobs
from portal.core.dates import UK
from portal.data_protection import retention


@jobs.queue.periodic(cron="0 * * * *", periodic_id="retention")
@jobs.job("data_protection.retention_tick", retry=None)
def retention_tick(timestamp: int) -> None:
    now = datetime.fromtimestamp(timestamp, UK)
    if now.hour == current_app.config["RETENTION_HOUR"]:
        retention.run()
