"""Attachments: allowed files only, files and rows always in step, safe downloads."""

import hashlib
import io
import os
import time
import zipfile
from contextlib import contextmanager

import pytest
from flask import current_app
from sqlalchemy import func, inspect, select, update
from sqlalchemy.exc import OperationalError
from werkzeug.datastructures import FileStorage

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.storage import LocalFileStorage
from portal.evidence import attachments, file_kinds
from portal.evidence.attachment_views import content_disposition
from portal.evidence.attachments import store_uploads, upload_guard
from portal.evidence.file_kinds import ALLOWED_EXTENSIONS, AttachmentError, display_name
from portal.evidence.models import Attachment, EvidenceEntry
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, error_summary, page
from tests.evidence.uploads import PDF, attachment_count, make_entry, stored_total, upload

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg">'
       b"<script>alert(1)</script></svg>")


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _ooxml(folder: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", f"{folder}main.xml": b"<x/>"})


def _odf(kind: str) -> bytes:
    return _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(),
                 "content.xml": b"<office:document-content/>"})


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 56
GOOD_SAMPLES = {
    "pdf": PDF,
    "doc": OLE, "xls": OLE, "ppt": OLE,
    "docx": _ooxml("word/"), "xlsx": _ooxml("xl/"), "pptx": _ooxml("ppt/"),
    "odt": _odf("text"), "ods": _odf("spreadsheet"), "odp": _odf("presentation"),
    "rtf": b"{\\rtf1\\ansi Supervision notes}",
    "txt": "Reflection: café visit went well ✓\n".encode(),
    "csv": b"date,hours\n2026-03-01,2\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "jpeg": b"\xff\xd8\xff\xe1\x00\x10Exif",
    "png": PNG,
    "gif": b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
    "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00",
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic",
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\x00" * 20,
    "m4a": b"\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom",
    "wav": b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00",
    "ogg": b"OggS\x00\x02\x00\x00\x00\x00",
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01",
}


# -- fixtures and helpers -------------------------------------------------------------------

@pytest.fixture(autouse=True)
def upload_dir(app, tmp_path, monkeypatch):
    root = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(root))
    return root


def files_left(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def assert_refused(response, upload_dir, *expected_text):
    assert response.status_code == 400
    messages = error_summary(page(response))
    assert len(messages) == 1, messages
    for text in expected_text:
        assert text in messages[0]
    assert files_left(upload_dir) == []
    assert attachment_count() == 0


# -- uploading --------------------------------------------------------------------------------

def test_a_candidate_uploads_several_files(client, entry, author, upload_dir):
    response = upload(client, entry.id, ("Supervision notes.pdf", PDF), ("whiteboard.png", PNG),
                      content_type="text/html")  # what the browser claims is ignored
    assert response.status_code == 303
    assert response.headers["Location"] == f"/evidence/{entry.id}"

    rows = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert [(a.original_name, a.content_type, a.size_bytes) for a in rows] == [
        ("Supervision notes.pdf", "application/pdf", len(PDF)),
        ("whiteboard.png", "image/png", len(PNG)),
    ]
    storage = LocalFileStorage(upload_dir)
    for attachment, content in zip(rows, (PDF, PNG), strict=True):
        assert attachment.owner_id == author.id and attachment.entry_id == entry.id
        assert attachment.sha256 == hashlib.sha256(content).hexdigest()
        path = storage.path(attachment.stored_name)
        assert path.read_bytes() == content
        assert hashlib.sha256(path.read_bytes()).hexdigest() == attachment.sha256
    # Stored under random names only: nothing of the uploaded name reaches the disk.
    assert all("Supervision" not in str(p) and "png" not in p.name for p in files_left(upload_dir))
    assert len(files_left(upload_dir)) == 2
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "attachment_added")).all()
    assert len(events) == 2
    assert all(set(e.details) == {"entry_id", "content_type", "size_bytes"} for e in events)


@pytest.mark.parametrize("extension", ALLOWED_EXTENSIONS)
def test_every_allowed_kind_is_accepted_when_its_content_matches(client, entry, extension):
    response = upload(client, entry.id, (f"evidence.{extension.upper()}", GOOD_SAMPLES[extension]))
    assert response.status_code == 303, error_summary(page(response))
    assert attachment_count() == 1


def test_an_oversized_file_is_refused(app, client, entry, upload_dir, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 1)
    big = PDF + b"0" * (1024 * 1024)
    response = upload(client, entry.id, ("scan.pdf", big))
    assert_refused(response, upload_dir, "‘scan.pdf’ must be smaller than 1 MB")


@pytest.mark.parametrize("name, content", [
    ("notes.html", HTML), ("notes.htm", HTML), ("drawing.svg", SVG), ("drawing.SVG", SVG),
    ("tool.exe", EXE), ("script.js", b"alert(1)"), ("notes.pdf.exe", EXE),
    ("archive.zip", _zip({"a.txt": b"x"})), ("../../etc/passwd", b"root:x:0:0"),
    ("no-extension", PDF),
])
def test_a_disallowed_type_is_refused_with_the_allowed_types(client, entry, upload_dir,
                                                              name, content):
    response = upload(client, entry.id, (name, content))
    assert_refused(response, upload_dir, "must be a PDF, DOC, DOCX", "WAV, OGG or WEBM file")


@pytest.mark.parametrize("name, content", [
    ("report.pdf", EXE),                       # a renamed executable
    ("report.docx", EXE),
    ("photo.jpg", EXE),
    ("report.pdf", HTML),                      # a web page pretending to be a PDF
    ("report.docx", HTML),
    ("report.docx", SVG),
    ("picture.png", SVG),
    ("notes.txt", HTML),
    ("notes.txt", SVG),
    ("notes.txt", b"Some notes\n<script>alert(1)</script>"),
    ("notes.csv", b"a,b\n<IFRAME src=//evil>,1"),
    ("notes.txt", b"#!/bin/sh\nrm -rf /\n"),
    ("notes.txt", b"binary\x00data"),
    ("notes.csv", "café".encode("latin-1")),  # not UTF-8
    ("report.docx", _ooxml("xl/")),            # a spreadsheet renamed
    ("report.docx", _zip({"word/document.xml": b"<w/>"})),
    ("report.odt", _odf("spreadsheet")),
    ("report.xlsx", b"PK\x03\x04 truncated"),
    ("voice.mp3", HTML),
    ("voice.wav", b"RIFF\x24\x00\x00\x00WEBPVP8 "),
    ("sheet.xls", PDF),
])
def test_content_that_does_not_match_its_extension_is_refused(client, entry, upload_dir,
                                                               name, content):
    response = upload(client, entry.id, (name, content))
    assert_refused(response, upload_dir, f"‘{name}’ is not a real")


def test_an_empty_file_is_refused(client, entry, upload_dir):
    assert_refused(upload(client, entry.id, ("blank.pdf", b"")), upload_dir,
                   "‘blank.pdf’ is empty")


def test_no_file_chosen_asks_for_one(client, entry, upload_dir):
    assert_refused(upload(client, entry.id, ("", b"")), upload_dir, "Select a file to upload")


def test_one_bad_file_means_none_are_kept(client, entry, upload_dir):
    response = upload(client, entry.id, ("good.pdf", PDF), ("also good.png", PNG),
                      ("bad.pdf", EXE))
    assert_refused(response, upload_dir, "‘bad.pdf’ is not a real PDF file")


@pytest.mark.parametrize("name, shown", [
    ("日本語のメモ.pdf", "日本語のメモ.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ("ü" * 300, None),
])
def test_unicode_traversal_and_long_names_are_display_text_only(client, entry, upload_dir,
                                                                name, shown):
    response = upload(client, entry.id, (name, PDF))
    if shown is None:  # 300 characters with no extension
        assert_refused(response, upload_dir, "ü" * 255 + "’ must be a PDF")
        return
    assert response.status_code == 303
    attachment = db.session.scalars(select(Attachment)).one()
    assert attachment.original_name == shown
    assert len(attachment.original_name) <= 255
    [stored] = files_left(upload_dir)
    assert stored.is_relative_to(upload_dir)
    assert stored.name == attachment.stored_name


def test_display_names_lose_control_and_direction_characters():
    assert display_name("re\x00port\x07\u202egpj.exe\n.pdf") == "reportgpj.exe.pdf"
    assert display_name("  notes.txt  ") == "notes.txt"
    assert display_name("C:\\Users\\sam\\report.pdf") == "report.pdf"
    assert display_name("") == "file"
    assert display_name("../..") == ".."  # display text only, never a path


def test_a_database_failure_at_commit_leaves_no_file(client, entry, upload_dir, monkeypatch):
    written = []
    real_save = LocalFileStorage.save_stream

    def spy(self, stream, max_bytes):
        stored = real_save(self, stream, max_bytes)
        written.append(stored.stored_name)
        return stored

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(LocalFileStorage, "save_stream", spy)
    monkeypatch.setattr(db.session, "commit", broken_commit)
    # The portal's "service unavailable" page (portal.core.errors), not a bare error.
    assert upload(client, entry.id, ("one.pdf", PDF), ("two.png", PNG)).status_code == 503
    monkeypatch.undo()
    assert len(written) == 2  # the files were written before the database failed
    assert files_left(upload_dir) == []
    assert attachment_count() == 0


def test_a_rolled_back_attachment_leaves_the_session(app, author, entry, upload_dir):
    with app.test_request_context(), upload_guard():
        [gone] = store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "a.pdf")])
        db.session.rollback()
        assert gone not in db.session
        # SQLite may give the same id again: the session must take the new row.
        [kept] = store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "b.pdf")])
        db.session.commit()
    assert inspect(kept).persistent and attachment_count() == 1
    assert [name.name for name in files_left(upload_dir)] == [kept.stored_name]


def test_a_database_failure_writing_the_row_leaves_no_file(app, author, entry, upload_dir):
    from sqlalchemy import event

    def failing_insert(*_args, **_kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    event.listen(Attachment, "before_insert", failing_insert)
    try:
        with app.test_request_context(), pytest.raises(OperationalError), upload_guard():
            store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "plan.pdf")])
            db.session.commit()
    finally:
        event.remove(Attachment, "before_insert", failing_insert)
    db.session.rollback()
    assert files_left(upload_dir) == []
    assert attachment_count() == 0


def test_a_stored_attachment_is_in_the_session_as_saved(app, author, entry, upload_dir):
    with app.test_request_context(), upload_guard():
        [added] = store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "plan.pdf")])
        held = added.uploaded_at
        db.session.commit()
    assert held == added.uploaded_at  # what the object held is what was saved
    assert inspect(added).persistent
    assert added.entry is entry
    saved = db.session.execute(select(Attachment.__table__).where(
        Attachment.id == added.id)).one()
    assert (saved.original_name, saved.size_bytes, saved.uploaded_at) == (
        added.original_name, len(PDF), added.uploaded_at)


@pytest.mark.parametrize("failing", ["fsync", "write"])
def test_a_disk_error_mid_write_leaves_nothing(client, entry, upload_dir, monkeypatch,
                                               failing):
    def disk_full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    class FullDisk:
        """A temp file whose writes fail, as on a full disk."""

        def __init__(self, real):
            self.real = real

        def __enter__(self):
            return self

        def __exit__(self, *_exc):
            self.real.close()

        write = staticmethod(disk_full)

    if failing == "fsync":
        monkeypatch.setattr(os, "fsync", disk_full)
    else:
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, mode: FullDisk(real_fdopen(fd, mode)))
    response = upload(client, entry.id, ("first.pdf", PDF), ("second.pdf", PDF))
    monkeypatch.undo()
    assert_refused(response, upload_dir, "‘first.pdf’ could not be saved. Try again later")


def test_the_quota_counts_every_file_a_person_has(app, client, entry, author, upload_dir,
                                                  monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_QUOTA_MB", 1)
    first = PDF + b"0" * 700_000
    assert upload(client, entry.id, ("first.pdf", first)).status_code == 303
    kept = files_left(upload_dir)

    response = upload(client, entry.id, ("second.pdf", PDF + b"0" * 400_000))
    assert response.status_code == 400
    [message] = error_summary(page(response))
    assert message.startswith("‘second.pdf’ cannot be uploaded because you have used 0.7 MB "
                              "of your 1 MB for files")
    assert files_left(upload_dir) == kept
    assert attachment_count() == 1

    # Two files that fit alone but not together: neither is kept.
    other_entry = make_entry(author, "Another entry")
    db.session.commit()
    response = upload(client, other_entry.id, ("a.pdf", PDF + b"0" * 200_000),
                      ("b.pdf", PDF + b"0" * 200_000))
    assert response.status_code == 400
    assert files_left(upload_dir) == kept
    assert attachment_count() == 1


def test_a_recount_waits_for_an_upload_in_progress(app, author, entry):
    """reconcile runs beside live uploads: it waits for an upload holding the
    account's lock, then counts that upload's file (PostgreSQL; SQLite locks the file)."""
    import threading

    from portal.evidence.attachments import _reserve, recount_account

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    author_id = author.id
    assert _reserve(author, 1234, 10**9)  # an upload under way: reserved, row added
    db.session.add(Attachment(entry_id=entry.id, owner_id=author_id, original_name="a.pdf",
                              stored_name="f" * 32, content_type="application/pdf",
                              size_bytes=1234, sha256="0" * 64))
    db.session.flush()
    corrected = []

    def recount():
        with app.app_context():
            corrected.append(recount_account(author_id))
            db.session.commit()

    waiting = threading.Thread(target=recount)
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and corrected == []
    db.session.commit()
    waiting.join(timeout=10)
    assert corrected == [False]  # the total was already right, file included
    assert stored_total(author) == 1234


def test_the_running_total_follows_uploads_and_removals(client, entry, author, upload_dir):
    """The account keeps the total its quota is checked against: up with each upload, down
    with each removal, matching the files' own sizes."""
    first, second = PDF + b"1" * 3000, PDF + b"2" * 5000
    upload(client, entry.id, ("first.pdf", first), ("second.pdf", second))
    assert stored_total(author) == len(first) + len(second)
    kept = db.session.scalar(select(Attachment).where(Attachment.original_name == "first.pdf"))
    response = client.post(f"/evidence/{entry.id}/attachments/{kept.id}/delete")
    assert response.status_code == 303
    assert stored_total(author) == len(second)


def test_an_upload_that_another_fills_the_quota_before_is_refused(app, entry, author,
                                                                  upload_dir, monkeypatch):
    """The signed-in user's row said there was room, but another upload of theirs had
    committed since: the binding check refuses it, names the file and keeps nothing."""
    monkeypatch.setitem(app.config, "ATTACHMENT_QUOTA_MB", 1)
    db.session.execute(update(type(author)).where(type(author).id == author.id)
                       .values(attachment_bytes=900_000)
                       .execution_options(synchronize_session=False))
    assert author.attachment_bytes == 0  # as read before the other upload committed
    late = FileStorage(io.BytesIO(PDF + b"0" * 200_000), "late.pdf")
    with app.test_request_context(), pytest.raises(attachments.AttachmentError) as refused, \
            upload_guard():
        store_uploads(author, entry, [late])
    assert refused.value.message.startswith(
        "‘late.pdf’ cannot be uploaded because you have used 0.9 MB of your 1 MB for files")
    assert refused.value.filename == "late.pdf"
    assert files_left(upload_dir) == []
    assert attachment_count() == 0
    assert stored_total(author) == 900_000


def test_upload_by_htmx_returns_the_files_fragment(client, entry, upload_dir):
    response = upload(client, entry.id, ("notes.pdf", PDF), htmx=True)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html
    soup = page(response)
    assert soup.select_one(f"#attachments-{entry.id}") is not None
    assert "Download notes.pdf (PDF, 1 KB)" in soup.get_text()

    response = upload(client, entry.id, ("notes.svg", SVG), htmx=True)
    assert response.status_code == 400
    assert "<html" not in response.get_data(as_text=True)
    assert error_summary(page(response))[0].startswith("‘notes.svg’ must be a PDF")
    field = page(response).select_one(f"#files-{entry.id}")
    assert f"files-{entry.id}-error" in field["aria-describedby"]


def test_filenames_are_shown_escaped(client, entry):
    name = "<img src=x onerror=alert(1)>.pdf"
    assert upload(client, entry.id, (name, PDF)).status_code == 303
    html = client.get(f"/evidence/{entry.id}/attachments").get_data(as_text=True)
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=" in html

    response = upload(client, entry.id, ("<b onmouseover=alert(1)>x.exe", EXE))
    html = response.get_data(as_text=True)
    assert "<b onmouseover" not in html
    assert "&lt;b onmouseover=alert(1)&gt;x.exe" in html


def test_the_files_page_lists_and_offers_upload(client, entry):
    upload(client, entry.id, ("日本語のメモ.pdf", PDF + b"0" * 1_300_000))
    soup = page(client.get(f"/evidence/{entry.id}/attachments"))
    assert_no_duplicate_ids(soup)
    link = soup.select_one(f"#attachments-{entry.id} a.govuk-link")
    assert link.get_text(strip=True) == "Download 日本語のメモ.pdf (PDF, 1.2 MB)"
    field = soup.select_one("input[type=file][name=files]")
    assert field.has_attr("multiple")
    assert ".pdf" in field["accept"] and ".svg" not in field["accept"]
    form = field.find_parent("form")
    assert form["hx-encoding"] == "multipart/form-data"
    assert form["enctype"] == "multipart/form-data"
    assert soup.select_one("progress[data-upload-progress]") is not None
    assert "smaller than 25 MB" in soup.select_one(f"#files-{entry.id}-hint").get_text()


# -- downloading ------------------------------------------------------------------------------

def _only_attachment() -> Attachment:
    return db.session.scalars(select(Attachment)).one()


def test_a_download_is_always_an_attachment_in_a_sandbox(client, entry):
    upload(client, entry.id, ("日本語のメモ.pdf", PDF))
    attachment = _only_attachment()
    response = client.get(f"/evidence/{entry.id}/attachments/{attachment.id}")
    assert response.status_code == 200
    assert response.data == PDF
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE%E3%83%A1%E3%83%A2.pdf" \
        in disposition
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Length"] == str(len(PDF))


def test_text_downloads_as_plain_bytes_with_a_safe_fallback_name(client, entry):
    upload(client, entry.id, ("notes; filename=evil.html.txt", b"plain notes"))
    attachment = _only_attachment()
    response = client.get(f"/evidence/{entry.id}/attachments/{attachment.id}")
    assert response.mimetype == "application/octet-stream"
    assert response.data == b"plain notes"
    disposition = response.headers["Content-Disposition"]
    assert disposition == ("attachment; filename=\"notes_ filename_evil.html.txt\"; "
                           "filename*=UTF-8''notes%3B%20filename%3Devil.html.txt")
    assert content_disposition('a"\\b\r\n.pdf') == \
        "attachment; filename=\"a__b__.pdf\"; filename*=UTF-8''a%22%5Cb%0D%0A.pdf"
    assert content_disposition("日本語.pdf").startswith('attachment; filename=".pdf"; ')


def test_a_missing_file_is_not_found(client, entry, upload_dir):
    upload(client, entry.id, ("notes.pdf", PDF))
    for path in files_left(upload_dir):
        path.unlink()
    attachment = _only_attachment()
    assert client.get(f"/evidence/{entry.id}/attachments/{attachment.id}").status_code == 404


# -- removing ---------------------------------------------------------------------------------

def test_removing_a_file_deletes_its_row_then_its_file(client, entry, upload_dir):
    upload(client, entry.id, ("notes.pdf", PDF))
    attachment = _only_attachment()
    response = client.post(f"/evidence/{entry.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 303
    assert attachment_count() == 0
    assert files_left(upload_dir) == []
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "attachment_deleted")) == 1


def test_removing_one_file_twice_at_once_counts_it_once(client, entry, author, upload_dir):
    """A double click sends two removals of the same file: only the one whose DELETE
    removed the row takes its size off the total and writes an audit row, so repeating it
    cannot push the total down and let the owner past their quota."""
    upload(client, entry.id, ("notes.pdf", PDF), ("kept.pdf", PDF + b"more"))
    removed = db.session.scalar(select(Attachment).where(Attachment.original_name == "notes.pdf"))
    with current_app.test_request_context():
        attachments.delete_attachment(author, removed)
        attachments.delete_attachment(author, removed)  # the second request, too late
    db.session.commit()
    assert stored_total(author) == len(PDF + b"more")
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "attachment_deleted")) == 1


def test_deleting_an_entry_removes_its_files_first(client, entry, author, upload_dir):
    upload(client, entry.id, ("notes.pdf", PDF))
    response = client.post(f"/evidence/{entry.id}/delete")
    assert response.status_code == 303
    assert db.session.scalar(select(func.count(EvidenceEntry.id))) == 0
    assert attachment_count() == 0 and files_left(upload_dir) == []
    assert stored_total(author) == 0


def test_a_failed_removal_keeps_the_file(client, entry, upload_dir, monkeypatch):
    upload(client, entry.id, ("notes.pdf", PDF))
    attachment = _only_attachment()
    kept = files_left(upload_dir)

    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    response = client.post(f"/evidence/{entry.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 503  # the portal's "service unavailable" page
    monkeypatch.undo()
    assert attachment_count() == 1
    assert files_left(upload_dir) == kept


# -- who may do what --------------------------------------------------------------------------

def test_another_candidates_files_do_not_exist(client, org, author, entry, upload_dir):
    other = factories.user(org)
    other_entry = make_entry(other, "Someone else's entry")
    db.session.commit()
    with guarded_outside_a_request():
        [theirs] = store_uploads(other, other_entry, [FileStorage(io.BytesIO(PDF), "t.pdf")])
        db.session.commit()
    kept = files_left(upload_dir)
    base = f"/evidence/{other_entry.id}/attachments"
    assert client.get(f"{base}/{theirs.id}").status_code == 404
    assert client.get(base).status_code == 404
    assert upload(client, other_entry.id, ("mine.pdf", PDF)).status_code == 404
    assert client.post(f"{base}/{theirs.id}/delete").status_code == 404
    # Their attachment id under my own entry is no way in either.
    mine = f"/evidence/{entry.id}/attachments/{theirs.id}"
    assert client.get(mine).status_code == 404
    assert client.post(f"{mine}/delete").status_code == 404
    assert attachment_count() == 1
    assert files_left(upload_dir) == kept


def test_signed_out_visitors_are_sent_to_sign_in(app, client, org):
    user = factories.user(org)
    entry = make_entry(user)
    db.session.commit()
    for response in (client.get(f"/evidence/{entry.id}/attachments/1"),
                     client.post(f"/evidence/{entry.id}/attachments"),
                     client.post(f"/evidence/{entry.id}/attachments/1/delete")):
        assert response.status_code == 303
        assert response.headers["Location"].startswith("/sign-in")


def test_people_without_the_candidate_role_cannot_upload(client, org, as_role):
    as_role("assessor")
    assert client.post("/evidence/1/attachments").status_code == 403
    assert client.post("/evidence/1/attachments/1/delete").status_code == 403


def test_uploads_and_removals_need_a_csrf_token(client, entry):
    response = client.post(f"/evidence/{entry.id}/attachments", csrf=False,
                           data={"files": (io.BytesIO(PDF), "a.pdf")})
    assert response.status_code == 400
    assert attachment_count() == 0


# -- the guard --------------------------------------------------------------------------------

@contextmanager
def guarded_outside_a_request():
    """A request context and upload_guard, for storing files outside a request."""
    with current_app.test_request_context(), upload_guard():
        yield


def test_store_uploads_must_run_inside_the_guard(app, author, entry):
    with app.test_request_context(), pytest.raises(RuntimeError):
        store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "a.pdf")])


def test_leaving_the_guard_without_committing_removes_the_files(app, author, entry,
                                                                 upload_dir):
    with app.test_request_context(), pytest.raises(RuntimeError), upload_guard():
        store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "a.pdf")])
    db.session.rollback()
    assert files_left(upload_dir) == []
    assert attachment_count() == 0


def test_a_rollback_inside_the_guard_removes_the_files(app, author, entry, upload_dir):
    with app.test_request_context(), upload_guard():
        store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "a.pdf")])
        assert len(files_left(upload_dir)) == 1
        db.session.rollback()
    assert files_left(upload_dir) == []


def test_an_error_after_store_uploads_removes_the_files(app, author, entry, upload_dir):
    with app.test_request_context(), pytest.raises(AttachmentError), upload_guard():
        store_uploads(author, entry, [FileStorage(io.BytesIO(PDF), "a.pdf")])
        raise AttachmentError("something else went wrong")
    assert files_left(upload_dir) == []
    assert attachment_count() == 0


def test_attachment_error_carries_message_and_filename(client, entry, author, app):
    with app.test_request_context(), pytest.raises(AttachmentError) as caught, upload_guard():
        store_uploads(author, entry, [FileStorage(io.BytesIO(HTML), "page.html")])
    assert caught.value.filename == "page.html"
    assert str(caught.value) == caught.value.message
    assert caught.value.message.startswith("‘page.html’ must be a PDF")


# -- reconcile --------------------------------------------------------------------------------

def _age(storage: LocalFileStorage, stored_name: str, seconds: int = 7200) -> None:
    old = time.time() - seconds
    os.utime(storage.path(stored_name), (old, old))


def test_reconcile_reports_and_quarantines_orphans_and_missing_files(app, client, entry,
                                                                     upload_dir):
    runner = app.test_cli_runner()
    storage = LocalFileStorage(upload_dir)
    assert runner.invoke(args=["attachments", "reconcile"]).exit_code == 0

    upload(client, entry.id, ("kept.pdf", PDF), ("lost.pdf", PDF), ("changed.pdf", PDF))
    kept, lost, changed = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 0, result.output

    storage.delete(lost.stored_name)
    storage.path(changed.stored_name).write_bytes(b"%PDF-1.7 tampered")
    orphan = storage.save_stream(io.BytesIO(b"left behind"), 100).stored_name
    fresh = storage.save_stream(io.BytesIO(b"upload in progress"), 100).stored_name
    _age(storage, orphan)

    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 1
    assert f"Orphan file {orphan}: no attachment row" in result.output
    assert fresh not in result.output  # too new: may be an upload still committing
    assert f"Missing file for attachment {lost.id}" in result.output
    assert f"SHA-256 mismatch for attachment {changed.id}" in result.output
    assert "kept.pdf" not in result.output and "lost.pdf" not in result.output
    assert storage.exists(orphan)

    result = runner.invoke(args=["attachments", "reconcile", "--quarantine"])
    assert result.exit_code == 1
    assert f"Orphan file {orphan}: no attachment row; quarantined" in result.output
    assert not storage.exists(orphan)
    assert (upload_dir / "quarantine" / orphan).read_bytes() == b"left behind"
    assert storage.exists(fresh) and storage.exists(kept.stored_name)

    result = runner.invoke(args=["attachments", "reconcile", "--min-age-minutes", "0",
                                 "--quarantine"])
    assert f"Orphan file {fresh}" in result.output
    storage.delete(changed.stored_name)
    for attachment in (lost, changed):
        attachments.delete_attachment(entry.candidate, attachment)
    db.session.commit()
    result = runner.invoke(args=["attachments", "reconcile", "--min-age-minutes", "0"])
    assert result.exit_code == 0, result.output


def test_reconcile_puts_right_a_wrong_attachment_total(app, client, entry, author,
                                                       upload_dir):
    """Rows written without counting them (by hand, or by an older release) leave a
    person's total wrong: reconcile says whose (by account id) and corrects it."""
    other = factories.user(entry.candidate.organisation, roles=["candidate"])
    db.session.commit()
    upload(client, entry.id, ("kept.pdf", PDF))
    db.session.add(Attachment(entry_id=entry.id, owner_id=author.id, original_name="a.pdf",
                              stored_name=LocalFileStorage(upload_dir).save_stream(
                                  io.BytesIO(PDF), 100).stored_name,
                              content_type="application/pdf", size_bytes=len(PDF),
                              sha256=hashlib.sha256(PDF).hexdigest()))
    db.session.execute(update(type(other)).where(type(other).id == other.id)
                       .values(attachment_bytes=99))
    db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 1
    assert f"Attachment total of account {author.id} was wrong: corrected" in result.output
    assert f"Attachment total of account {other.id} was wrong: corrected" in result.output
    assert "a.pdf" not in result.output and "2 problems found." in result.output
    assert (stored_total(author), stored_total(other)) == (2 * len(PDF), 0)
    assert runner.invoke(args=["attachments", "reconcile"]).exit_code == 0


def test_reconcile_removes_stale_temp_files(app, upload_dir):
    temp = upload_dir / "tmp" / "upload-dead.part"
    temp.parent.mkdir(parents=True)
    temp.write_bytes(b"half a file")
    old = time.time() - 7200
    os.utime(temp, (old, old))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 1 and "Stale temp file upload-dead.part" in result.output
    runner.invoke(args=["attachments", "reconcile", "--quarantine"])
    assert not temp.exists()


def test_allowed_extensions_exclude_anything_a_browser_would_run():
    for dangerous in ("html", "htm", "svg", "js", "mjs", "xhtml", "xml", "exe", "bat", "sh"):
        assert dangerous not in ALLOWED_EXTENSIONS
    assert file_kinds.download_mimetype("text/plain") == "application/octet-stream"
    assert file_kinds.download_mimetype("text/html") == "application/octet-stream"


def test_the_evidence_list_counts_each_entrys_files(client, entry, author, upload_dir):
    other = make_entry(author, "Reflection on a home visit")
    db.session.commit()
    upload(client, entry.id, ("Supervision notes.pdf", PDF), ("whiteboard.png", PNG))
    upload(client, other.id, ("Visit notes.pdf", PDF))
    upload(client, other.id, ("Chronology.png", PNG))
    upload(client, other.id, ("Genogram.png", PNG))
    listed = {item.select_one("h3").get_text(strip=True): item.get_text(" ", strip=True)
              for item in page(client.get("/evidence/")).select(".portal-entry")}
    assert "· 2 files" in listed["Supervision with my practice educator"]
    assert "· 3 files" in listed["Reflection on a home visit"]


def test_an_upload_reads_nothing_back_after_its_commit(client, entry, author, upload_dir):
    """The redirect and the response headers once reloaded the entry and the signed-in
    user, whose rows the commit had expired: two queries for nothing."""
    upload(client, entry.id, ("warm-up.pdf", PDF))
    with count_queries() as statements:
        response = upload(client, entry.id, ("Supervision notes.pdf", PDF))
    assert response.status_code == 303
    assert response.headers["Cache-Control"] == "no-store"
    assert statements[-1].lstrip().upper().startswith("INSERT INTO AUDIT_EVENT"), statements


@pytest.mark.parametrize(("first_commits", "second_fits"), [(True, False), (False, True)])
def test_a_waiting_upload_is_checked_against_what_the_first_left(app, author, first_commits,
                                                                  second_fits):
    """Two uploads by one person at once: the second waits for the first's row lock, then
    checks the quota against the total the first committed, or the old one if it rolled
    back (checked on PostgreSQL; SQLite locks the whole file)."""
    import threading

    from portal.evidence.attachments import _reserve

    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's")
    db.session.commit()
    author_id = author.id
    assert _reserve(author, 600, 1000)  # this session now holds the lock
    seen = []

    def second_upload():
        with app.app_context():
            seen.append(_reserve(db.session.get(type(author), author_id), 600, 1000))
            db.session.rollback()

    waiting = threading.Thread(target=second_upload)
    waiting.start()
    waiting.join(timeout=0.5)
    assert waiting.is_alive() and seen == []  # blocked on the first upload's lock
    if first_commits:
        db.session.commit()
    else:
        db.session.rollback()
    waiting.join(timeout=10)
    assert seen == [second_fits]
