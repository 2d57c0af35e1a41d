"""Changes to a candidate's evidence log. The actor is explicit; views commit."""

import re
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import delete, select
from werkzeug.datastructures import MultiDict

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.evidence.models import EvidenceDraft, EvidenceEntry, EvidenceLink, EvidenceType
from portal.frameworks.models import FrameworkElement


class EvidenceError(ValueError):
    """A change that cannot be made, with a message fit to show the candidate."""


@dataclass
class EntryDetails:
    title: str
    occurred_on: date
    evidence_type: EvidenceType
    reflection: str
    anonymised_confirmed: bool
    links: list[tuple[int, str]] = field(default_factory=list)


def _normalise_reflection(text: str) -> str:
    # Browsers send CRLF; keep paragraphs, drop trailing spaces.
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _check_links(links: list[tuple[int, str]], allowed_element_ids: set[int], limit: int):
    if len(links) > limit:
        raise EvidenceError(f"Link at most {limit} framework elements to one entry")
    ids = [element_id for element_id, _ in links]
    if len(set(ids)) != len(ids):
        raise EvidenceError("Each framework element can be linked only once")
    if not set(ids) <= allowed_element_ids:
        raise EvidenceError("Choose framework elements from your programme's frameworks")
    for _, reason in links:
        if not reason.strip():
            raise EvidenceError("Every link needs a one-line reason")


def create_entry(actor: User, details: EntryDetails, allowed_element_ids: set[int],
                 link_limit: int) -> EvidenceEntry:
    _check_links(details.links, allowed_element_ids, link_limit)
    entry = EvidenceEntry(
        candidate_id=actor.id,
        organisation_id=actor.organisation_id,
        title=details.title.strip(),
        occurred_on=details.occurred_on,
        evidence_type=details.evidence_type.value,
        reflection=_normalise_reflection(details.reflection),
        anonymised_confirmed=details.anonymised_confirmed,
    )
    entry.links = [EvidenceLink(element_id=e, reason=r.strip()) for e, r in details.links]
    db.session.add(entry)
    db.session.flush()
    discard_draft(actor, "new")
    audit.record(actor, "evidence_created", entry, links=len(entry.links))
    return entry


def update_entry(actor: User, entry: EvidenceEntry, details: EntryDetails,
                 allowed_element_ids: set[int], link_limit: int) -> EvidenceEntry:
    # Links already on the entry stay valid even if the programme's frameworks changed.
    kept = {link.element_id for link in entry.links}
    _check_links(details.links, allowed_element_ids | kept, link_limit)
    new_values = {
        "title": details.title.strip(),
        "occurred_on": details.occurred_on,
        "evidence_type": details.evidence_type.value,
        "reflection": _normalise_reflection(details.reflection),
        "anonymised_confirmed": details.anonymised_confirmed,
    }
    changed = [name for name, value in new_values.items() if getattr(entry, name) != value]
    for name, value in new_values.items():
        setattr(entry, name, value)
    old_links = {(link.element_id, link.reason) for link in entry.links}
    new_links = {(e, r.strip()) for e, r in details.links}
    if old_links != new_links:
        _replace_links(entry, details.links)
        changed.append("links")
    if changed:
        entry.updated_at = utcnow()
        audit.record(actor, "evidence_updated", entry, fields=changed)
    discard_draft(actor, f"entry-{entry.id}")
    return entry


def _replace_links(entry: EvidenceEntry, links: list[tuple[int, str]]) -> None:
    entry.links.clear()
    db.session.flush()  # the unique (entry, element) constraint must not see old and new
    entry.links.extend(EvidenceLink(element_id=e, reason=r.strip()) for e, r in links)
    db.session.flush()


def delete_entry(actor: User, entry: EvidenceEntry) -> None:
    """Delete the entry; attachments must have been removed first (the caller does it)."""
    if entry.attachments:
        raise EvidenceError("Remove the entry's files before deleting it")
    audit.record(actor, "evidence_deleted", entry)
    discard_draft(actor, f"entry-{entry.id}")
    db.session.delete(entry)
    db.session.flush()


# Drafts ------------------------------------------------------------------------------
DRAFT_FIELDS = {"title", "occurred_on", "evidence_type", "reflection", "anonymised_confirmed"}
DRAFT_LINK_FIELD = re.compile(r"links-\d-(element_id|reason)")
DRAFT_VALUE_MAX = 25000


def _draftable(name: str) -> bool:
    return name in DRAFT_FIELDS or DRAFT_LINK_FIELD.fullmatch(name) is not None


def save_draft(actor: User, draft_key: str, form_data) -> EvidenceDraft:
    """Keep what the candidate has typed so far: text fields only, never files or tokens."""
    fields = {
        name: [value[:DRAFT_VALUE_MAX] for value in form_data.getlist(name)][:3]
        for name in form_data
        if _draftable(name)
    }
    draft = find_draft(actor, draft_key)
    if draft is None:
        draft = EvidenceDraft(candidate_id=actor.id, draft_key=draft_key, fields=fields)
        db.session.add(draft)
    else:
        draft.fields = fields
        draft.saved_at = utcnow()
    db.session.flush()
    return draft


def draft_form_data(draft: EvidenceDraft) -> MultiDict:
    """The draft as form data, to refill the form exactly as it was left."""
    return MultiDict([(name, value) for name, values in draft.fields.items()
                      for value in values if _draftable(name)])


def find_draft(actor: User, draft_key: str) -> EvidenceDraft | None:
    return db.session.scalar(
        select(EvidenceDraft).where(
            EvidenceDraft.candidate_id == actor.id, EvidenceDraft.draft_key == draft_key
        )
    )


def discard_draft(actor: User, draft_key: str) -> None:
    db.session.execute(
        delete(EvidenceDraft).where(
            EvidenceDraft.candidate_id == actor.id, EvidenceDraft.draft_key == draft_key
        )
    )


def element_ids(elements: list[FrameworkElement]) -> set[int]:
    return {element.id for element in elements}
