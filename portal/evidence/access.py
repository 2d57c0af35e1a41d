"""Who may see and change an evidence entry. Loaders own the 404 decision."""

from flask import abort
from flask_login import current_user

from portal.accounts.models import User
from portal.assignments.access import assesses
from portal.core.db import db
from portal.evidence.models import EvidenceEntry


def can_view_entry(user: User, entry: EvidenceEntry) -> bool:
    """Private by default: the candidate who wrote it and their assessor (current, or
    read-only a previous one). Panels see submitted snapshots, never the live log."""
    if not user.is_authenticated:
        return False
    return entry.candidate_id == user.id or assesses(user, entry.candidate_id,
                                                     include_past=True)


def can_edit_entry(user: User, entry: EvidenceEntry) -> bool:
    return user.is_authenticated and entry.candidate_id == user.id


def get_entry_or_404(entry_id: int, for_edit: bool = False) -> EvidenceEntry:
    """The entry if the signed-in user may see (or edit) it; otherwise it does not exist."""
    entry = db.session.get(EvidenceEntry, entry_id)
    if entry is None:
        abort(404)
    allowed = can_edit_entry if for_edit else can_view_entry
    if not allowed(current_user, entry):
        abort(404)
    return entry
