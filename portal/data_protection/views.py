"""The subject access export on a person's admin page: asked for, watched while a job
builds it, then downloaded by the administrator who asked, until it expires.

Only administrators of the person's own council: another council's person is 404 (the
accounts loader), anyone else 403 (the route's rule). Downloading is a POST, because each
download writes an audit row and no GET changes data.
"""

import logging

from flask import Blueprint, abort, render_template, send_file, url_for
from flask_login import current_user

from portal.accounts.admin_views import (
    add_user_page_section,
    administrators_only,
    get_user_in_my_organisation,
)
from portal.accounts.models import User
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to
from portal.core.storage import get_storage
from portal.data_protection import exports
from portal.data_protection.models import ExportState

logger = logging.getLogger(__name__)
bp = Blueprint("subject_access", __name__, url_prefix="/admin/users")


def export_context(subject: User) -> dict:
    """What the person's admin page shows of their export (as the status fragment does)."""
    export = exports.latest_export(subject, current_user)
    return {"subject": subject, "subject_export": export,
            "subject_export_expired": export is not None and exports.has_expired(export),
            "subject_export_expires_at": export and exports.expires_at(export)}


# The person's admin page shows the export; accounts cannot import this package.
add_user_page_section(export_context)


def _back(subject: User) -> str:
    return url_for("users.edit", user_id=subject.id) + "#subject-access"


@bp.post("/<int:user_id>/subject-access")
@administrators_only
def request_export(user_id: int):
    """Ask for everything the portal holds about this person."""
    subject = get_user_in_my_organisation(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    exports.request_export(current_user, subject)
    db.session.commit()
    return redirect_to(_back(subject))


@bp.get("/<int:user_id>/subject-access")
@administrators_only
def status(user_id: int):
    """The export's status fragment, polled by htmx while the job builds it."""
    subject = get_user_in_my_organisation(user_id)
    return render_template("data_protection/_export.html", **export_context(subject))


@bp.post("/<int:user_id>/subject-access/download")
@administrators_only
def download(user_id: int):
    """The built zip, from file storage: 404 until it is ready, and once it has expired."""
    subject = get_user_in_my_organisation(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    export = exports.latest_export(subject, current_user)
    if export is None or export.state != ExportState.READY or exports.has_expired(export):
        abort(404)
    try:
        stored = get_storage().open(export.stored_name)
    except FileNotFoundError:
        logger.error("Subject access export %s has no stored file", export.id)
        abort(404)
    exports.record_download(current_user, export)
    db.session.commit()
    response = send_file(stored, mimetype="application/zip", as_attachment=True,
                         download_name=f"subject-access-{subject.id}-{export.id}.zip",
                         etag=False, conditional=False, max_age=0)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
