"""The files of a snapshot on a panel's agenda: its members open them, anonymised.

A snapshot keeps each attachment's name, size and SHA-256, not the file itself: the file
is the candidate's attachment with the same entry and hash. Until the chair reveals who
the candidate is, a file is called by its place in the snapshot ("Attachment 3.pdf"),
never by the name it was uploaded with, which often names the people in it.
"""

import re
from pathlib import PurePosixPath

from flask import Blueprint, abort, url_for
from sqlalchemy import select

from portal.core.access import signed_in
from portal.core.db import db
from portal.evidence.attachment_views import send_attachment
from portal.evidence.models import Attachment
from portal.panels.access import get_panel_for_member, get_sitting_item_or_404
from portal.panels.models import AgendaItem
from portal.visibility import Kind, record_reading, require

bp = Blueprint("panel_files", __name__, url_prefix="/panels")
EXTENSION = re.compile(r"\.[a-z0-9]{1,8}")


def snapshot_files(content: dict) -> list[dict]:
    """The snapshot's files in the order its page lists them (numbered from 1), each with
    the entry it belongs to."""
    return [{**file, "entry_id": entry["entry_id"]}
            for entry in content["entries"] for file in entry["attachments"]]


def file_label(item: AgendaItem, name: str, number: int) -> str:
    """What the panel calls a file: its place in the snapshot and its type until identity
    is revealed, its own name after."""
    if item.identity_revealed_at is not None:
        return name
    extension = PurePosixPath(name.replace("\\", "/")).suffix.lower()
    return f"Attachment {number}{extension if EXTENSION.fullmatch(extension) else ''}"


def file_links(item: AgendaItem):
    """The label and address functions the snapshot's template lists files with."""
    def label(name: str, number: int) -> str:
        return file_label(item, name, number)

    def address(number: int) -> str:
        return url_for("panel_files.download", panel_id=item.panel_id, item_id=item.id,
                       number=number)

    return {"file_label": label, "file_url": address}


@bp.get("/<int:panel_id>/items/<int:item_id>/files/<int:number>")
@signed_in
def download(panel_id: int, item_id: int, number: int):
    """One of the snapshot's files, for the panel's members who may sit on its item (each
    opening audited)."""
    panel = get_panel_for_member(panel_id)
    item = get_sitting_item_or_404(panel, item_id)
    seen_by = require(Kind.ATTACHMENT, item.portfolio.candidate_id, on_panel=True)
    files = snapshot_files(item.snapshot.content)
    if not 1 <= number <= len(files):
        abort(404)
    wanted = files[number - 1]
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.entry_id == wanted["entry_id"],
                                 Attachment.sha256 == wanted["sha256"])
        .order_by(Attachment.id).limit(1))
    if attachment is None:
        abort(404)  # the candidate has removed it since
    if record_reading(seen_by, Kind.ATTACHMENT, attachment):
        db.session.commit()  # the audit row of this opening, before the file goes
    return send_attachment(attachment, file_label(item, wanted["name"], number))
