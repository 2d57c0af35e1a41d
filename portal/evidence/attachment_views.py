"""Attachment upload, download and removal.

Downloads are always sent as attachments with a sandboxing CSP, so nothing uploaded can run
in the portal's origin even if a browser were persuaded to render it.
"""

import logging
import re
import unicodedata
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, request, send_file, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.db import db
from portal.core.forms import STALE_FORM, OnceConfirmForm
from portal.core.htmx import redirect_to, render, wants_fragment
from portal.core.storage import get_storage
from portal.evidence import attachments, file_kinds
from portal.evidence.access import get_entry_or_404, read_entry_or_404
from portal.evidence.models import Attachment, EvidenceEntry
from portal.visibility import Kind, record_reading

bp = Blueprint("attachments", __name__, url_prefix="/evidence")
logger = logging.getLogger(__name__)
candidates_only = requires_role(Role.CANDIDATE)

DOWNLOAD_CSP = "default-src 'none'; sandbox"
TYPES_HINT = ("a document (PDF, Word, Excel, PowerPoint, OpenDocument, RTF, TXT or CSV), "
              "an image (JPG, PNG, GIF, WEBP or HEIC) or an audio note "
              "(MP3, M4A, WAV, OGG or WEBM)")


@bp.app_template_filter("file_size")
def file_size(size_bytes: int) -> str:
    """'840 KB', '1.2 MB': rounded up, so a small file never shows as 0 KB."""
    if size_bytes < attachments.MB:
        return f"{max(1, -(-size_bytes // 1024))} KB"
    return f"{size_bytes / attachments.MB:.1f} MB"


@bp.app_template_filter("file_type_label")
def file_type_label(content_type: str) -> str:
    return file_kinds.type_label(content_type)


@bp.app_template_global("attachment_rules")
def attachment_rules() -> dict:
    """What the upload fields tell people (and the browser) about allowed files."""
    return {
        "accept": file_kinds.ACCEPT_ATTRIBUTE,
        "types_text": file_kinds.ALLOWED_TYPES_TEXT,
        "types_hint": TYPES_HINT,
        "max_mb": current_app.config["MAX_UPLOAD_MB"],
    }


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one as RFC 5987 `filename*`."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    fallback = re.sub(r"[^A-Za-z0-9._() -]", "_", fallback).strip() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def _attachment_of(entry: EvidenceEntry, attachment_id: int) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.entry_id != entry.id:
        abort(404)
    return attachment


def _entry_page(entry: EvidenceEntry) -> str:
    return url_for("evidence.show", entry_id=entry.id)


def _files_page(entry: EvidenceEntry, error: file_kinds.AttachmentError | None = None,
                status: int = 200, can_edit: bool = True):
    return render("evidence/attachments.html", entry=entry, can_edit=can_edit,
                  upload_error=error, status=status)


@bp.get("/<int:entry_id>/attachments")
@signed_in
def index(entry_id: int):
    """The entry's files on their own page (where a no-JavaScript upload ends up on error)."""
    entry, seen_by = read_entry_or_404(entry_id, Kind.ATTACHMENT)
    return _files_page(entry, can_edit=seen_by.can_edit(Kind.ATTACHMENT))


@bp.get("/<int:entry_id>/attachments/<int:attachment_id>")
@signed_in
def download(entry_id: int, attachment_id: int):
    entry, seen_by = read_entry_or_404(entry_id, Kind.ATTACHMENT)
    attachment = _attachment_of(entry, attachment_id)
    if record_reading(seen_by, Kind.ATTACHMENT, attachment, entry.created_at):
        db.session.commit()  # the audit row of this opening, before the file goes
    return send_attachment(attachment, attachment.original_name)


def send_attachment(attachment: Attachment, name: str):
    """The stored file as a download called `name`, which nothing can run in our origin.
    The caller has checked the person may open it."""
    try:
        stored = get_storage().open(attachment.stored_name)
    except FileNotFoundError:
        logger.error("Attachment %s has no stored file", attachment.id)
        abort(404)
    response = send_file(stored, mimetype=file_kinds.download_mimetype(attachment.content_type),
                         as_attachment=True, download_name="download", etag=False,
                         conditional=False, max_age=0)
    response.content_length = attachment.size_bytes
    headers = response.headers
    headers["Content-Disposition"] = content_disposition(name)
    # Set before the app-wide after_request, which only fills in headers not already set.
    headers["Content-Security-Policy"] = DOWNLOAD_CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Cache-Control"] = "no-store"
    return response


@bp.post("/<int:entry_id>/attachments")
@candidates_only
def upload(entry_id: int):
    entry = get_entry_or_404(entry_id, for_edit=True)
    entry_page = _entry_page(entry)  # now: after the commit it would reload the entry
    form = OnceConfirmForm()  # the files sent twice (a double click) are stored once
    if not form.validate_on_submit():
        return _files_page(entry, file_kinds.AttachmentError(STALE_FORM), status=400)
    form.created(entry_page)
    error = None
    added = []
    with attachments.upload_guard():
        try:
            added = attachments.store_uploads(current_user, entry,
                                              request.files.getlist("files"))
        except file_kinds.AttachmentError as problem:
            error = problem
        else:
            db.session.commit()
    if error is None and not added:
        error = file_kinds.AttachmentError("Select a file to upload")
    if error is not None:
        db.session.rollback()
        return _files_page(entry, error, status=400)
    flash("Your file has been uploaded." if len(added) == 1
          else f"{len(added)} files have been uploaded.", "success")
    if wants_fragment():
        return _files_page(entry)
    return redirect_to(entry_page)


@bp.post("/<int:entry_id>/attachments/<int:attachment_id>/delete")
@candidates_only
def delete(entry_id: int, attachment_id: int):
    entry = get_entry_or_404(entry_id, for_edit=True)
    entry_page = _entry_page(entry)
    attachment = _attachment_of(entry, attachment_id)
    attachments.delete_attachment(current_user, attachment)
    db.session.commit()
    flash("The file has been removed.", "success")
    if wants_fragment():
        return _files_page(entry)
    return redirect_to(entry_page)
