"""The pack itself, read back with pypdf: its cover, bookmarks, merged attachment, manifest,
and the anonymised pack a panel member gets."""

import re

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.packs.models import PackState, PortfolioPack
from tests.packs.conftest import (
    ATTACHED_TEXT,
    CANDIDATE,
    bookmarks,
    client_for,
    outline_titles,
    pdf_of,
)


def snapshot_pack_url(submission) -> str:
    return (f"/portfolios/{submission.portfolio.id}/snapshots/{submission.snapshot.id}/pack")


def panel_pack_url(submission) -> str:
    return f"/panels/{submission.panel.id}/items/{submission.item.id}/pack"


def build_and_download(client, url):
    """Ask for the pack (the job runs in-process after the response), then download it."""
    asked = client.post(url)
    assert asked.status_code == 303 and asked.location.endswith(url)
    shown = client.get(url)
    assert f'action="{url}/download"'.encode() in shown.data
    return client.post(url + "/download")


def text_of(reader, number: int) -> str:
    return reader.pages[number].extract_text()


def squashed(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_candidates_pack_has_its_cover_outline_attachment_and_manifest(app, submission):
    download = build_and_download(client_for(app, submission.candidate),
                                  snapshot_pack_url(submission))
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "no-store"
    reader = pdf_of(download)

    cover = text_of(reader, 0)
    assert submission.snapshot.sha256 in squashed(cover)
    assert CANDIDATE in cover and f"Submission {submission.snapshot.id}" in cover

    titles = outline_titles(reader)
    top = [title for depth, title in titles if depth == 0]
    assert top == ["Cover", "Evidence", "Direct observations", "Outside feedback", "Records",
                   "Review reports", "Panel decisions", "Manifest"]
    assert (1, "General evidence (1)") in titles
    assert (2, "First home visit") in titles
    assert (1, "Observed child protection visit") in titles
    assert (1, "A parent's feedback") in titles
    assert (1, "Supervision (1)") in titles

    # The attached PDF's two pages follow the page that lists it; its bookmark opens it.
    depth, file_bookmark = next((depth, node) for depth, node in bookmarks(reader)
                                if node.title == "Aisha_Singh_court-statement.pdf")
    assert depth == 3  # under its entry, under its section, under Evidence
    first = reader.get_destination_page_number(file_bookmark)
    assert ATTACHED_TEXT in text_of(reader, first)
    assert "Second page of the statement" in text_of(reader, first + 1)
    assert "Aisha_Singh_court-statement.pdf" in text_of(reader, first - 1)

    pack = db.session.scalar(select(PortfolioPack))
    assert pack.state == PackState.READY and len(reader.pages) == pack.pages
    assert pack.steps_done == pack.steps_total == 1 + 3  # one PDF fetched, then three steps
    manifest = text_of(reader, len(reader.pages) - 1)
    assert "Manifest" in manifest and "Merged(2pages)" in squashed(manifest)
    docx = next(f for f in submission.snapshot.content["entries"][0]["attachments"]
                if f["name"].endswith(".docx"))
    assert docx["sha256"] in squashed(manifest)


def test_the_pack_is_built_from_the_snapshot_not_the_live_evidence(app, submission):
    entry_id = submission.snapshot.content["entries"][0]["entry_id"]
    live = db.session.get(EvidenceEntry, entry_id)
    live.title = "Renamed after submission"
    db.session.commit()
    reader = pdf_of(build_and_download(client_for(app, submission.candidate),
                                       snapshot_pack_url(submission)))
    titles = [title for _depth, title in outline_titles(reader)]
    assert "First home visit" in titles and "Renamed after submission" not in titles


def test_a_panel_member_gets_the_anonymised_pack(app, submission, council):
    member = council["members"][0]
    download = build_and_download(client_for(app, member), panel_pack_url(submission))
    assert download.status_code == 200
    assert submission.item.reference in download.headers["Content-Disposition"]
    reader = pdf_of(download)
    every_page = "\n".join(page.extract_text() for page in reader.pages)
    titles = " ".join(title for _depth, title in outline_titles(reader))
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    for name in ("Aisha", "Singh", "Helen Shaw"):
        assert name not in every_page and name not in titles and name not in metadata
    assert submission.item.reference in text_of(reader, 0)
    assert submission.snapshot.sha256 in squashed(text_of(reader, 0))
    assert "Attachment 1.pdf" in titles and "Attachment 2.docx" in every_page
    assert ATTACHED_TEXT in every_page  # merged in, as the panel opens it today
    pack = db.session.scalar(select(PortfolioPack))
    assert pack.anonymised and pack.agenda_item_id == submission.item.id


def test_asking_and_each_download_are_audited(app, submission, council):
    lead = client_for(app, council["lead"])
    url = snapshot_pack_url(submission)
    build_and_download(lead, url)
    lead.post(url + "/download")
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.action.like("portfolio_pack.%")).order_by(AuditEvent.id)).all()
    assert actions == ["portfolio_pack.requested", "portfolio_pack.downloaded",
                       "portfolio_pack.downloaded"]
