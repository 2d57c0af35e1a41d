"""The approved anonymised copy as a PDF pack: the reviewed replacements applied, attached
documents listed but not merged, the reports and decisions made before the copy started
included with their reviewed replacements; before approval, and for anyone but the
council's leads, there is no such pack."""

from sqlalchemy import select

from portal.core.db import db
from portal.packs.copies import operations
from portal.packs.models import PortfolioPack
from tests import factories
from tests.packs.conftest import ATTACHED_TEXT, client_for, pdf_of, submission  # noqa: F401
from tests.packs.copies.test_copies import _url
from tests.packs.test_pack_pdf import build_and_download
from tests.panels.conftest import council  # noqa: F401 (fixture)


def _approved_copy(lead, snapshot):
    copy = operations.start_copy(lead, snapshot)
    operations.decide(lead, copy, {d.id: ("accepted", None) for d in copy.decisions})
    operations.approve(lead, copy)
    db.session.commit()
    return copy


def test_the_approved_copy_packs_with_its_replacements(app, submission, council):  # noqa: F811
    lead = council["lead"]
    client = client_for(app, lead)
    url = _url(submission, "/approved/pack")
    operations.start_copy(lead, submission.snapshot)
    db.session.commit()
    assert client.get(url).status_code == 404  # not approved yet
    copy = _approved_copy(lead, submission.snapshot)

    download = build_and_download(client, url)
    assert download.status_code == 200
    assert f"anonymised-copy-{copy.id}" in download.headers["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in pdf_of(download).pages)
    for name in ("Aisha", "Singh", "Helen Shaw"):
        assert name not in text
    # The final report is part of the copy: its words reviewed, its names replaced.
    assert "Meets the ASYE level" in text
    assert "[Candidate]" in text and "[Assessor]" in text
    assert "[Candidate]_court-statement.pdf" in text
    assert ATTACHED_TEXT not in text  # listed, not merged: its contents were not reviewed
    pack = db.session.scalar(select(PortfolioPack))
    assert pack.copy_id == copy.id and pack.anonymised


def test_nobody_else_gets_the_copys_pack(app, submission, council):  # noqa: F811
    _approved_copy(council["lead"], submission.snapshot)
    other_lead = factories.user(factories.organisation(), roles=["programme_lead"])
    db.session.commit()
    for person in (other_lead, submission.candidate, council["assessor"]):
        client = client_for(app, person)
        assert client.get(_url(submission, "/approved/pack")).status_code == 404
        assert client.post(_url(submission, "/approved/pack")).status_code == 404
