"""Who may see and change an evidence entry. Loaders own the 404 decision."""

from flask import abort
from flask_login import current_user

from portal.accounts.models import User
from portal.core.db import db
from portal.evidence.models import EvidenceEntry


def can_view_entry(user: User, entry: EvidenceEntry) -> bool:
    """Private by default: the candidate who wrote it.

    Assessors assigned to the candidate will be added here when assignment exists
    (issue 5); panels see submitted snapshots, never the live log.
    """
    return user.is_authenticated and entry.candidate_id == user.id


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
