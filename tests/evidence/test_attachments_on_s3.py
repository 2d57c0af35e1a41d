"""Attachments kept in S3 (moto_server on 127.0.0.1): uploads stream into the bucket,
downloads stream out of it as sandboxed attachments, a failure at any point leaves neither
a row nor an object, and `attachments reconcile` checks the bucket against the rows."""

import hashlib
import io

import pytest
from botocore.exceptions import EndpointConnectionError
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from portal.core.db import db
from portal.core.storage import get_storage
from portal.evidence.models import Attachment
from tests import factories, s3
from tests.conftest import error_summary, page
from tests.evidence.uploads import PDF, attachment_count, stored_total, upload

MB = 1024 * 1024
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 40


@pytest.fixture(autouse=True)
def in_s3(app, s3_settings, tmp_path, monkeypatch):
    """Files go to the bucket; the local upload folder must stay empty."""
    local = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(local))
    yield
    assert not local.exists() or not any(local.rglob("*"))


@pytest.fixture
def store(app):
    with app.app_context():
        return get_storage()


@pytest.fixture
def calls(store):
    """The S3 operations the portal makes, by name (boto3's public event hooks)."""
    made = []

    def record(model, **_kwargs):
        made.append(model.name)

    store.client.meta.events.register("before-call.s3", record)
    yield made
    store.client.meta.events.unregister("before-call.s3", record)


def objects(s3_client, s3_bucket) -> list[str]:
    return s3.keys(s3_client, s3_bucket)


def assert_nothing_stored(s3_client, s3_bucket):
    assert objects(s3_client, s3_bucket) == []
    assert s3.unfinished_uploads(s3_client, s3_bucket) == []
    assert attachment_count() == 0


def big_pdf(size: int) -> bytes:
    return PDF + b"\0" * (size - len(PDF))


def only_attachment() -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment)).one()


def download(client, attachment: Attachment):
    return client.get(f"/evidence/{attachment.entry_id}/attachments/{attachment.id}")


# -- uploading and downloading ----------------------------------------------------------

def test_an_upload_goes_to_the_bucket_and_downloads_from_it(client, entry, s3_client,
                                                            s3_bucket):
    notes = "Supervision notes: café ✓\n".encode()
    response = upload(client, entry.id, ("plan.pdf", PDF), ("notes.txt", notes))
    assert response.status_code == 303
    pdf, text = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    assert objects(s3_client, s3_bucket) == sorted(
        f"attachments/{a.stored_name[:2]}/{a.stored_name}" for a in (pdf, text))
    head = s3_client.head_object(Bucket=s3_bucket, Key=get_storage().key(pdf.stored_name))
    assert head["ServerSideEncryption"] == "AES256"

    for attachment, content, mimetype in ((pdf, PDF, "application/pdf"),
                                          (text, notes, "application/octet-stream")):
        response = download(client, attachment)
        assert response.status_code == 200
        assert response.data == content
        assert response.mimetype == mimetype
        assert response.headers["Content-Disposition"].startswith("attachment;")
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Content-Length"] == str(len(content))
        assert "Location" not in response.headers  # streamed through the portal


def test_a_large_upload_streams_in_parts(client, entry, s3_client, s3_bucket, calls):
    content = big_pdf(20 * MB)
    assert upload(client, entry.id, ("long.pdf", content)).status_code == 303
    attachment = only_attachment()
    assert calls.count("UploadPart") == 3 and "CompleteMultipartUpload" in calls
    assert attachment.sha256 == hashlib.sha256(content).hexdigest()
    assert download(client, attachment).data == content


def test_a_refused_file_never_reaches_the_bucket(client, entry, s3_client, s3_bucket, calls):
    response = upload(client, entry.id, ("plan.pdf", EXE))
    assert response.status_code == 400
    assert "is not a real PDF file" in error_summary(page(response))[0]
    assert calls == []
    assert_nothing_stored(s3_client, s3_bucket)


def test_an_oversized_upload_is_aborted_mid_way(app, client, entry, s3_client, s3_bucket,
                                                calls, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_UPLOAD_MB", 10)
    response = upload(client, entry.id, ("long.pdf", big_pdf(12 * MB)))
    assert response.status_code == 400
    assert "‘long.pdf’ must be smaller than 10 MB" in error_summary(page(response))[0]
    # It failed part-way through sending, and the multipart upload was abandoned.
    assert calls[:2] == ["CreateMultipartUpload", "UploadPart"]
    assert calls[-1] == "AbortMultipartUpload"
    assert_nothing_stored(s3_client, s3_bucket)


def test_the_store_failing_mid_upload_leaves_no_row_and_no_object(client, entry, author,
                                                                  store, s3_client,
                                                                  s3_bucket):
    parts = []

    def lose_the_second_part(request, **_kwargs):
        parts.append(request.url)
        if len(parts) > 1:
            raise EndpointConnectionError(endpoint_url=request.url)

    store.client.meta.events.register("before-send.s3.UploadPart", lose_the_second_part)
    try:
        response = upload(client, entry.id, ("plan.pdf", PDF), ("long.pdf", big_pdf(20 * MB)))
    finally:
        store.client.meta.events.unregister("before-send.s3.UploadPart", lose_the_second_part)
    assert response.status_code == 400
    assert error_summary(page(response)) == ["‘long.pdf’ could not be saved. Try again later"]
    assert_nothing_stored(s3_client, s3_bucket)  # plan.pdf, stored first, is gone too
    assert stored_total(author) == 0


def test_a_database_failure_at_commit_leaves_no_object(client, entry, s3_client, s3_bucket,
                                                       calls, monkeypatch):
    def broken_commit():
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "commit", broken_commit)
    # The portal's "service unavailable" page (portal.core.errors), not a bare error.
    assert upload(client, entry.id, ("one.pdf", PDF), ("two.pdf", PDF)).status_code == 503
    monkeypatch.undo()
    assert calls.count("PutObject") == 2  # stored before the database failed
    assert_nothing_stored(s3_client, s3_bucket)


# -- removing and missing objects ----------------------------------------------------------

def test_removing_a_file_deletes_its_object_after_the_commit(client, entry, s3_client,
                                                             s3_bucket):
    upload(client, entry.id, ("notes.pdf", PDF))
    attachment = only_attachment()
    response = client.post(f"/evidence/{entry.id}/attachments/{attachment.id}/delete")
    assert response.status_code == 303
    assert_nothing_stored(s3_client, s3_bucket)


def test_a_missing_object_is_not_found(client, entry, s3_client, s3_bucket):
    upload(client, entry.id, ("notes.pdf", PDF))
    attachment = only_attachment()
    s3_client.delete_object(Bucket=s3_bucket, Key=get_storage().key(attachment.stored_name))
    assert download(client, attachment).status_code == 404


# -- attachments reconcile over S3 ---------------------------------------------------------

def test_reconcile_checks_the_bucket_against_the_rows(app, client, entry, author, store,
                                                      s3_client, s3_bucket):
    runner = app.test_cli_runner()
    upload(client, entry.id, ("kept.pdf", PDF), ("lost.pdf", PDF), ("changed.pdf", PDF))
    kept, lost, changed = db.session.scalars(select(Attachment).order_by(Attachment.id)).all()
    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 0, result.output

    s3_client.delete_object(Bucket=s3_bucket, Key=store.key(lost.stored_name))
    s3_client.put_object(Bucket=s3_bucket, Key=store.key(changed.stored_name),
                         Body=b"%PDF-1.7 tampered")
    orphan = store.save_stream(io.BytesIO(b"left behind"), 100).stored_name
    crashed = "0123456789abcdef0123456789abcdef"
    s3_client.create_multipart_upload(Bucket=s3_bucket, Key=store.key(crashed))
    other = factories.user(entry.candidate.organisation)
    db.session.execute(update(type(other)).where(type(other).id == other.id)
                       .values(attachment_bytes=99))
    db.session.commit()

    result = runner.invoke(args=["attachments", "reconcile"])
    assert result.exit_code == 1
    assert orphan not in result.output  # too new: may be an upload still committing
    assert f"Attachment total of account {other.id} was wrong: corrected" in result.output
    assert (stored_total(author), stored_total(other)) == (3 * len(PDF), 0)
    result = runner.invoke(args=["attachments", "reconcile", "--min-age-minutes", "0"])
    assert result.exit_code == 1
    assert f"Orphan file {orphan}: no attachment row\n" in result.output
    assert f"Missing file for attachment {lost.id} ({lost.stored_name})" in result.output
    assert f"SHA-256 mismatch for attachment {changed.id}" in result.output
    assert f"Stale multipart upload {crashed[:2]}/{crashed}\n" in result.output
    assert "kept.pdf" not in result.output and "account" not in result.output

    result = runner.invoke(args=["attachments", "reconcile", "--min-age-minutes", "0",
                                 "--quarantine"])
    assert f"Orphan file {orphan}: no attachment row; quarantined" in result.output
    assert f"Stale multipart upload {crashed[:2]}/{crashed}: removed" in result.output
    assert s3.unfinished_uploads(s3_client, s3_bucket) == []
    assert f"attachments/quarantine/{orphan}" in objects(s3_client, s3_bucket)
    assert not store.exists(orphan) and store.exists(kept.stored_name)

    s3_client.delete_object(Bucket=s3_bucket, Key=store.key(changed.stored_name))
    for attachment in (lost, changed):
        client.post(f"/evidence/{entry.id}/attachments/{attachment.id}/delete")
    result = runner.invoke(args=["attachments", "reconcile", "--min-age-minutes", "0"])
    assert result.exit_code == 0, result.output
    assert stored_total(author) == len(PDF)
