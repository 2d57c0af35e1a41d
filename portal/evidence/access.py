"""Who may see and change an evidence entry: the visibility table decides
(portal/visibility). Loaders own the 404 decision."""

from flask import abort

from portal.accounts.models import User
from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.visibility import Kind, Viewer, require, viewer


def can_view_entry(user: User, entry: EvidenceEntry) -> bool:
    """Private by default: the candidate who wrote it, their assessor (current, or a
    previous one for what was written before the reassignment) and the council's programme
    leads (each reading audited). Panels see submitted snapshots, never the live log."""
    return viewer(user, entry.candidate_id).can_read(Kind.EVIDENCE, entry.created_at)


def can_edit_entry(user: User, entry: EvidenceEntry) -> bool:
    return viewer(user, entry.candidate_id).can_edit(Kind.EVIDENCE)


def get_entry_or_404(entry_id: int, for_edit: bool = False) -> EvidenceEntry:
    """The entry if the signed-in user may see (or edit) it; otherwise it does not exist."""
    return read_entry_or_404(entry_id, for_edit=for_edit)[0]


def read_entry_or_404(entry_id: int, kind: Kind = Kind.EVIDENCE,
                      for_edit: bool = False) -> tuple[EvidenceEntry, Viewer]:
    """The entry and how the signed-in user stands to its candidate, if they may read
    `kind` of it (the entry itself, or its attachments)."""
    entry = db.session.get(EvidenceEntry, entry_id)
    if entry is None:
        abort(404)
    return entry, require(kind, entry.candidate_id, entry.created_at, edit=for_edit)

