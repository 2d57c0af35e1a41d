"""`flask --app portal worker`: the process that runs background jobs on PostgreSQL."""

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.core import jobs


@click.command("worker")
@click.option("--concurrency", default=4, show_default=True,
              help="Jobs run at the same time by this worker (threads).")
@click.option("--queue", "queues", multiple=True, help="Only these queues (default: all).")
@with_appcontext
def worker_command(concurrency: int, queues: tuple[str, ...]) -> None:
    """Run background jobs (emails, reminders) until stopped with SIGTERM or Ctrl+C.

    Start one or more beside the web server; they share the work through PostgreSQL, and
    the daily reminders are deferred once however many run."""
    if current_app.config["JOBS_INLINE"]:
        raise click.UsageError(
            "Jobs run inside the web process here (JOBS_INLINE, the SQLite default): "
            "there is no queue for a worker. Use PostgreSQL (DATABASE_URL) for workers.")
    jobs.run_worker(current_app, concurrency=concurrency, queues=list(queues) or None)
