"""The subject access export: asked for on the person's admin page, built by a job into a
zip of JSON files, attachments and a README, downloaded by the administrator who asked."""

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.data_protection import exports, holdings
from portal.data_protection.models import ExportState, SubjectAccessExport
from portal.evidence.models import Attachment
from tests import factories
from tests.conftest import count_queries, page
from tests.data_protection.conftest import ATTACHED, RATIONALE, REFLECTION, client_for


def _export() -> SubjectAccessExport | None:
    db.session.expire_all()
    return db.session.scalar(select(SubjectAccessExport).order_by(SubjectAccessExport.id.desc()))


def _download(client, subject):
    return client.post(f"/admin/users/{subject.id}/subject-access/download")


def _zip(response) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_the_administrator_asks_and_downloads_everything_about_the_person(
        app, subject, administrator):
    admin = client_for(app, administrator)
    shown = page(admin.get(f"/admin/users/{subject.id}"))
    form = shown.select_one("#subject-access form")
    assert form["action"] == f"/admin/users/{subject.id}/subject-access"
    assert "Prepare everything the portal holds" in form.get_text()

    response = admin.post(f"/admin/users/{subject.id}/subject-access")
    assert response.status_code == 303
    assert response.location.endswith(f"/admin/users/{subject.id}#subject-access")
    export = _export()  # the job ran inline after the response (JOBS_INLINE)
    assert export.state == ExportState.READY and export.requested_by_id == administrator.id
    shown = page(admin.get(f"/admin/users/{subject.id}"))
    assert shown.select_one("#subject-access form")["action"].endswith("/subject-access/download")
    assert export.sha256 in shown.select_one("#subject-access").get_text()

    download = _download(admin, subject)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    assert download.headers["Content-Disposition"] == (
        f"attachment; filename=subject-access-{subject.id}-{export.id}.zip")
    assert download.headers["Cache-Control"] == "no-store"
    assert len(download.data) == export.size

    zipped = _zip(download)
    names = set(zipped.namelist())
    assert {"README.txt", "account.json", "evidence.json", "records.json",
            "panel_decisions.json", "attachments.json", "audit.json"} <= names
    assert "evidence.json" in zipped.read("README.txt").decode()
    account = json.loads(zipped.read("account.json"))
    assert account["account"][0]["email"] == subject.email
    evidence = json.loads(zipped.read("evidence.json"))
    assert [e["reflection"] for e in evidence["entries"]] == [REFLECTION]
    records = json.loads(zipped.read("records.json"))
    assert records["supervision"][0]["topics"] == "Caseload and a difficult section 47"
    decisions = json.loads(zipped.read("panel_decisions.json"))["decisions"]
    assert [d["rationale"] for d in decisions] == [RATIONALE]
    assert json.loads(zipped.read("review_reports.json"))["review_reports"]
    assert json.loads(zipped.read("notifications.json"))["notifications"]
    assert json.loads(zipped.read("emails.json"))["emails"][0]["to_address"] == subject.email
    assert json.loads(zipped.read("outside_feedback.json"))["feedback_requests"]
    assert json.loads(zipped.read("snapshots.json"))["snapshots"]
    attachment = json.loads(zipped.read("attachments.json"))["attachments"][0]
    assert attachment["file"] == f"files/{attachment['id']}-Visit notes.pdf"
    assert zipped.read(attachment["file"]) == ATTACHED
    assert "stored_name" not in attachment


def test_no_secret_is_anywhere_in_the_zip(app, subject, administrator):
    admin = client_for(app, administrator)
    admin.post(f"/admin/users/{subject.id}/subject-access")
    zipped = _zip(_download(admin, subject))
    db.session.expire_all()
    secrets = [subject.password_hash, subject.session_token,
               *(t for (t,) in db.session.execute(
                   select(db.text("token_hash")).select_from(db.text("password_reset_token")))),
               *(t for (t,) in db.session.execute(
                   select(db.text("token_hash")).select_from(db.text("feedback_request"))))]
    assert len(secrets) == 4 and all(secrets)
    stored = db.session.scalar(select(Attachment.stored_name))
    for name in zipped.namelist():
        content = zipped.read(name).decode("utf-8", errors="replace")
        for secret in [*secrets, stored]:
            assert secret not in content, f"{name} holds a secret"
        for column in ("password_hash", "session_token", "token_hash"):
            assert f'"{column}"' not in content


def test_asking_and_each_download_are_audited(app, subject, administrator):
    admin = client_for(app, administrator)
    admin.post(f"/admin/users/{subject.id}/subject-access")
    _download(admin, subject)
    _download(admin, subject)
    export = _export()
    rows = db.session.execute(
        select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
        .where(AuditEvent.object_type == "subject_access_export",
               AuditEvent.object_id == export.id).order_by(AuditEvent.id)).all()
    assert [(a, actor) for a, actor, _ in rows] == [
        ("subject_access.requested", administrator.id),
        ("subject_access.downloaded", administrator.id),
        ("subject_access.downloaded", administrator.id)]
    assert all(details == {"subject_id": subject.id} for *_, details in rows)


def test_the_export_expires_after_the_set_days(app, subject, administrator):
    admin = client_for(app, administrator)
    admin.post(f"/admin/users/{subject.id}/subject-access")
    export = _export()
    days = app.config["SUBJECT_ACCESS_DAYS"]
    export.ready_at -= timedelta(days=days, seconds=-60)  # a minute before it expires
    db.session.commit()
    assert _download(admin, subject).status_code == 200
    export = _export()
    export.ready_at -= timedelta(minutes=2)
    db.session.commit()
    assert _download(admin, subject).status_code == 404
    section = page(admin.get(f"/admin/users/{subject.id}")).select_one("#subject-access")
    assert "has expired" in section.get_text()
    assert section.select_one("form")["action"] == f"/admin/users/{subject.id}/subject-access"


def test_the_status_fragment_polls_itself_while_the_export_is_built(
        app, subject, administrator):
    db.session.add(SubjectAccessExport(organisation_id=subject.organisation_id,
                                       subject_id=subject.id, requested_by_id=administrator.id))
    db.session.commit()
    admin = client_for(app, administrator)
    fragment = page(admin.get(f"/admin/users/{subject.id}/subject-access",
                              headers={"HX-Request": "true"}))
    section = fragment.select_one("#subject-access")
    assert section["hx-get"] == f"/admin/users/{subject.id}/subject-access"
    assert "being prepared" in section.get_text()
    assert _download(admin, subject).status_code == 404
    # Asking again while it is queued does not ask twice.
    admin.post(f"/admin/users/{subject.id}/subject-access")
    assert db.session.query(SubjectAccessExport).count() == 1


def test_a_failed_build_says_so_and_may_be_asked_again(app, subject, administrator, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(exports, "write_zip", broken)
    admin = client_for(app, administrator)
    admin.post(f"/admin/users/{subject.id}/subject-access")
    assert _export().state == ExportState.FAILED and _export().last_error == "OSError"
    section = page(admin.get(f"/admin/users/{subject.id}")).select_one("#subject-access")
    assert "could not be prepared" in section.get_text()


def test_the_export_reads_a_bounded_number_of_statements(app, subject):
    def statements_for_export() -> int:
        with count_queries() as statements:
            exports.write_zip(io.BytesIO(), subject.id)
        return len(statements)

    few = statements_for_export()
    for n in range(10):
        entry = factories.evidence_entry(subject, title=f"Entry {n}", reflection="More.")
        factories.attachment(entry, name=f"Notes {n}.pdf")
    db.session.commit()
    assert statements_for_export() == few
    # One statement per kind of record and one for the files, with a little to spare.
    kinds = sum(len(k) for k in holdings.files_for(subject.id).values())
    assert few <= kinds + 3


def test_on_postgresql_the_request_queues_the_job_with_the_export(
        app, subject, administrator, postgres_queue):
    admin = client_for(app, administrator)
    assert admin.post(f"/admin/users/{subject.id}/subject-access").status_code == 303
    export = _export()
    assert export.state == ExportState.QUEUED
    with db.engine.connect() as connection:
        queued = connection.execute(db.text(
            "SELECT task_name, args FROM procrastinate_jobs "
            "WHERE task_name = 'data_protection.build_export'")).all()
    assert queued == [("data_protection.build_export", {"export_id": export.id})]
    exports.build_export(export_id=export.id)  # what the worker runs
    assert _export().state == ExportState.READY
    assert _download(admin, subject).status_code == 200
