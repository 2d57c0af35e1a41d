"""Uploading attachments in tests: a real PDF's first bytes, an entry to attach to, and the
upload form posted as a browser would."""

import io
from datetime import date

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from portal.core.db import db
from portal.evidence.models import Attachment, EvidenceEntry

PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def make_entry(candidate, title="Supervision with my practice educator") -> EvidenceEntry:
    entry = EvidenceEntry(candidate_id=candidate.id, organisation_id=candidate.organisation_id,
                          title=title, occurred_on=date(2026, 3, 2), evidence_type="other")
    db.session.add(entry)
    db.session.flush()
    return entry


def attachment_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Attachment.id)))


def stored_total(user) -> int:
    """The owner's running total of their files' sizes, as committed."""
    return db.session.scalar(select(type(user).attachment_bytes).where(
        type(user).id == user.id))


def upload(client, entry_id, *files, htmx=False, content_type="application/octet-stream"):
    data = {"files": [FileStorage(io.BytesIO(content), filename=name, content_type=content_type)
                      for name, content in files]}
    url = f"/evidence/{entry_id}/attachments"
    if htmx:
        return client.post(url, data=data, headers={"HX-Request": "true"})
    return client.post(url, data=data)
