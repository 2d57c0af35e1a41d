"""A benchmark run takes its uploads back out: the rows, their audit rows and their sizes
on the owners' running totals, and nothing that was there before the run."""

from sqlalchemy import func, select

from bench.uploads import _marks, remove_uploads_since
from portal.accounts.models import User
from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.attachments import recount_attachment_bytes
from portal.evidence.models import Attachment
from tests import factories


def _attach(entry, size: int, number: int) -> None:
    attachment = Attachment(entry_id=entry.id, owner_id=entry.candidate_id,
                            original_name="a.pdf", stored_name=f"{number:032d}",
                            content_type="application/pdf", size_bytes=size, sha256="0" * 64)
    db.session.add(attachment)
    db.session.flush()
    audit.record(entry.candidate, "attachment_added", attachment)


def test_a_run_leaves_the_attachments_as_it_found_them(org):
    first = factories.evidence_entry(factories.user(org, name="Cara Ng",
                                                    email="cara@bench.example.org"))
    second = factories.evidence_entry(factories.user(org, name="Asha Bell",
                                                     email="asha@bench2.example.org"))
    someone = factories.evidence_entry(factories.user(org, name="Real Person",
                                                      email="real@example.org"))
    _attach(first, 1000, 1)
    recount_attachment_bytes()
    db.session.commit()
    marks = _marks(db.session.connection())
    for number, entry in enumerate((first, first, second, someone), start=2):
        _attach(entry, 300, number)  # the last: a real person uploading during the run
    recount_attachment_bytes()
    db.session.commit()

    assert remove_uploads_since(db.session.connection(), marks) == 3
    db.session.commit()
    assert sorted(db.session.scalars(select(Attachment.stored_name))) == [
        f"{1:032d}", f"{5:032d}"]
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "attachment_added")) == 2
    assert dict(db.session.execute(select(User.name, User.attachment_bytes)).all()) == {
        "Cara Ng": 1000, "Asha Bell": 0, "Real Person": 300}
