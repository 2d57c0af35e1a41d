"""Subject access exports: asked for by an administrator, built as a zip by a background
job (reading every domain takes a while for someone with years of evidence), kept in file
storage and downloaded from there by the administrator who asked, for SUBJECT_ACCESS_DAYS.

The job runs on a worker on PostgreSQL, or in this process after the commit with
JOBS_INLINE (see portal/core/jobs.py); either way it is the same function.
"""

import json
import re
import shutil
import tempfile
import zipfile
from datetime import datetime, timedelta

from flask import current_app, render_template
from sqlalchemy import select

from portal.accounts.models import User
from portal.core import audit, jobs
from portal.core.db import db, utcnow
from portal.core.storage import get_storage
from portal.data_protection import holdings
from portal.data_protection.models import ExportState, SubjectAccessExport

# Years of attachments can be large; anything past this means something is badly wrong.
MAX_EXPORT_BYTES = 4 * 1024 * 1024 * 1024
# Kept in memory up to this size, then on a temporary file.
SPOOL_BYTES = 16 * 1024 * 1024


def latest_export(subject: User, requested_by: User) -> SubjectAccessExport | None:
    """The most recent export of `subject` that `requested_by` asked for."""
    return db.session.scalar(
        select(SubjectAccessExport)
        .where(SubjectAccessExport.subject_id == subject.id,
               SubjectAccessExport.requested_by_id == requested_by.id)
        .order_by(SubjectAccessExport.requested_at.desc(), SubjectAccessExport.id.desc())
        .limit(1))


def expires_at(export: SubjectAccessExport) -> datetime | None:
    if export.ready_at is None:
        return None
    return export.ready_at + timedelta(days=current_app.config["SUBJECT_ACCESS_DAYS"])


def has_expired(export: SubjectAccessExport, now: datetime | None = None) -> bool:
    ends = expires_at(export)
    return ends is not None and (now or utcnow()) >= ends


def request_export(actor: User, subject: User) -> SubjectAccessExport:
    """Ask for `subject`'s export, unless one `actor` asked for is still being built.

    The caller has checked that `actor` administers `subject`'s council. Flushes and writes
    the audit row; the job runs once the caller commits.
    """
    export = latest_export(subject, actor)
    if export is not None and export.state == ExportState.QUEUED:
        return export  # under way: one build is enough
    export = SubjectAccessExport(organisation_id=subject.organisation_id, subject_id=subject.id,
                                 requested_by_id=actor.id, state=ExportState.QUEUED,
                                 requested_at=utcnow())
    db.session.add(export)
    db.session.flush()
    audit.record(actor, "subject_access.requested", export, subject_id=subject.id)
    jobs.defer(build_export, export_id=export.id)
    return export


def record_download(actor: User, export: SubjectAccessExport) -> None:
    """Each download is audited: the zip holds everything about a person."""
    audit.record(actor, "subject_access.downloaded", export, subject_id=export.subject_id)


@jobs.job("data_protection.build_export")
def build_export(export_id: int) -> None:
    """Build and store the zip. A failure is recorded on the export (the page says so and
    offers to try again) and raised, so the worker retries it with a growing wait."""
    export = db.session.get(SubjectAccessExport, export_id)
    if export is None or export.state == ExportState.READY:
        return  # gone with its subject, or already built by an earlier attempt
    try:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as archive:
            write_zip(archive, export.subject_id)
            archive.seek(0)
            stored = get_storage().save_stream(archive, MAX_EXPORT_BYTES)
    except Exception as error:
        db.session.rollback()
        export = db.session.get(SubjectAccessExport, export_id)
        export.state, export.last_error = ExportState.FAILED, type(error).__name__[:120]
        db.session.commit()
        raise
    export.state, export.ready_at, export.last_error = ExportState.READY, utcnow(), None
    export.stored_name, export.sha256, export.size = (
        stored.stored_name, stored.sha256, stored.size)


def write_zip(archive, subject_id: int) -> None:
    """The JSON files, the attachments under files/ and README.txt, into `archive`."""
    files = holdings.read_all(subject_id)
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        copied = copy_attachments(zipped, holdings.attachment_files(subject_id))
        for attachment in files["attachments.json"]["attachments"]:
            # None when storage had lost the file: the export says so rather than failing.
            attachment["file"] = copied.get(attachment["id"])
        zipped.writestr("README.txt", render_template(
            "data_protection/README.txt", files=sorted(files),
            made_at=utcnow().isoformat(timespec="seconds")))
        for filename, kinds in files.items():
            zipped.writestr(filename, json.dumps(kinds, indent=2, ensure_ascii=False))


def copy_attachments(zipped: zipfile.ZipFile, attachments) -> dict[int, str]:
    """Copy each stored file into the zip; returns each copied attachment's path there."""
    storage, copied = get_storage(), {}
    for row in attachments:
        path = attachment_path(row.id, row.original_name)
        try:
            source = storage.open(row.stored_name)
        except FileNotFoundError:
            continue
        with source, zipped.open(path, "w", force_zip64=True) as target:
            shutil.copyfileobj(source, target)
        copied[row.id] = path
    return copied


def attachment_path(attachment_id: int, original_name: str) -> str:
    """Where an attachment goes in the zip: its id keeps names unique, and only plain
    characters of the uploaded name are kept (it is display text, never trusted)."""
    readable = re.sub(r"[^\w.\- ]+", "_", original_name).strip(" .")[:100] or "file"
    return f"files/{attachment_id}-{readable}"
