"""`flask --app portal attachments ...`: check that stored files and attachment rows agree,
and that each person's running total of their files' sizes (their quota) is right.

Output names only stored (random) file names, attachment and account ids, never what people
called their files.
"""

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.core.db import db
from portal.core.storage import get_storage
from portal.core.template_helpers import plural
from portal.evidence.attachments import accounts_off_their_total, recount_account
from portal.evidence.models import Attachment

attachments_cli = click.Group("attachments", help="Check stored attachment files.")


@attachments_cli.command("reconcile")
@click.option("--quarantine", is_flag=True,
              help="Move files without a row to quarantine/ (under UPLOAD_DIR, or S3_PREFIX "
                   "in the bucket) and remove unfinished uploads (temp files, or S3 "
                   "multipart uploads).")
@click.option("--min-age-minutes", default=60, show_default=True, type=click.IntRange(0),
              help="Ignore files newer than this: they may belong to an upload in progress.")
@with_appcontext
def reconcile(quarantine: bool, min_age_minutes: int) -> None:
    """Report files without rows, rows without files, files whose SHA-256 changed and
    uploads a crashed process left unfinished; put right each account whose total of file
    sizes is wrong (rows written by an older release, or by hand), while uploads go on.

    Exits 0 when everything agrees and 1 when problems were found.
    """
    storage = get_storage()
    grace = min_age_minutes * 60
    cutoff = time.time() - grace
    rows = {
        stored_name: (attachment_id, sha256)
        for attachment_id, stored_name, sha256 in db.session.execute(
            select(Attachment.id, Attachment.stored_name, Attachment.sha256)
        )
    }
    problems = 0

    for stored_name in storage.iter_stored_names():
        if stored_name in rows or storage.modified_at(stored_name) > cutoff:
            continue
        problems += 1
        if quarantine:
            storage.quarantine(stored_name)
            click.echo(f"Orphan file {stored_name}: no attachment row; quarantined")
        else:
            click.echo(f"Orphan file {stored_name}: no attachment row")

    for stored_name, (attachment_id, sha256) in sorted(rows.items(), key=lambda r: r[1][0]):
        if not storage.exists(stored_name):
            problems += 1
            click.echo(f"Missing file for attachment {attachment_id} ({stored_name})")
        elif storage.sha256(stored_name) != sha256:
            problems += 1
            click.echo(f"SHA-256 mismatch for attachment {attachment_id} ({stored_name})")

    for upload in storage.stale_uploads(grace):
        problems += 1
        if quarantine:
            storage.remove_stale_upload(upload)
            click.echo(f"Stale {upload.description}: removed")
        else:
            click.echo(f"Stale {upload.description}")

    for owner_id in accounts_off_their_total():
        if recount_account(owner_id):
            problems += 1
            click.echo(f"Attachment total of account {owner_id} was wrong: corrected")
        db.session.commit()  # one account's lock at a time: their uploads wait only briefly

    if problems:
        click.echo(f"{plural(problems, 'problem')} found.")
        raise SystemExit(1)
    click.echo("All attachment files and rows agree.")
