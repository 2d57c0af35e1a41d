"""The portal as a council runs it on several servers: real gunicorn processes sharing one
database, one S3 bucket (moto_server) and one Redis, with a person's requests landing on
any of them, and a job worker (`flask --app portal worker`) sending what they queued."""

import http.client
import re
import secrets
import time
from datetime import date, timedelta

import pytest
import requests
from sqlalchemy import func, select, text

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core import jobs
from portal.core.db import db
from portal.core.forms import new_form_key
from portal.evidence.models import Attachment
from portal.reminders.jobs import daily_reminders
from portal.reminders.models import ReminderSent
from tests import factories, s3, servers
from tests.evidence.uploads import PDF, make_entry
from tests.peers import smtp_server, start_worker, stop_worker, wait_for
from tests.portfolios.conftest import make_portfolio

MB = 1024 * 1024
CSRF_IN_FORM = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


@pytest.fixture(scope="module")
def redis_url():
    with servers.redis_server() as url:
        yield url


def server_settings(app, storage: dict, redis_url: str) -> dict:
    """What every server is given: the tests' database, a bucket, Redis, and one key."""
    return {
        **storage,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_BASE_URL": "https://portal.test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "RATELIMIT_STORAGE_URI": redis_url,
        "MAX_UPLOAD_MB": "110",
        "ATTACHMENT_QUOTA_MB": "1000",
    }


def own_folders(tmp_path, name: str) -> dict:
    """A server's own instance folder and (unused) upload folder."""
    return {"PORTAL_INSTANCE_PATH": str(tmp_path / name / "instance"),
            "UPLOAD_DIR": str(tmp_path / name / "uploads")}


# Production names the session cookie with the __Host- prefix.
PRODUCTION_COOKIE = "__Host-portal_session"


class Visitor:
    """One person's browser. The session cookie goes to whichever server is asked, as a
    load balancer would send it (it is `Secure`, so it is carried by hand over http)."""

    def __init__(self):
        self.cookie = ""

    def request(self, port: int, method: str, path: str, **kwargs) -> requests.Response:
        response = requests.request(
            method, f"http://127.0.0.1:{port}{path}", allow_redirects=False, timeout=120,
            headers={"Cookie": f"{PRODUCTION_COOKIE}={self.cookie}"} if self.cookie else {},
            **kwargs)
        self.cookie = response.cookies.get(PRODUCTION_COOKIE, self.cookie)
        return response

    def csrf_token(self, port: int, path: str) -> str:
        match = CSRF_IN_FORM.search(self.request(port, "GET", path).text)
        assert match, f"no form on {path}"
        return match.group(1) or match.group(2)

    def sign_in(self, port: int, email: str, password: str = factories.PASSWORD):
        token = self.csrf_token(port, "/sign-in")
        return self.request(port, "POST", "/sign-in",
                            data={"email": email, "password": password, "csrf_token": token})


@pytest.fixture
def candidate_entry():
    author = factories.user(factories.organisation())
    entry = make_entry(author)
    db.session.commit()
    return author, entry


def objects(settings) -> list[str]:
    return s3.keys(s3.client(settings["S3_ENDPOINT_URL"]), settings["S3_BUCKET"])


# -- memory ---------------------------------------------------------------------------------

def streamed_upload(port: int, visitor: Visitor, entry_id: int, size: int) -> int:
    """POST a `size`-byte PDF made as it is sent (as bench/run.py does); the status."""
    token = visitor.csrf_token(port, f"/evidence/{entry_id}/attachments")
    boundary = "portal" + secrets.token_hex(8)
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f"{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"form_key\""
            f"\r\n\r\n{new_form_key()}"
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f'filename="long.pdf"\r\nContent-Type: application/pdf\r\n\r\n').encode() + PDF
    tail = f"\r\n--{boundary}--\r\n".encode()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", f"/evidence/{entry_id}/attachments")
    connection.putheader("Cookie", f"{PRODUCTION_COOKIE}={visitor.cookie}")
    connection.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    connection.putheader("Content-Length", str(len(head) + size - len(PDF) + len(tail)))
    connection.endheaders()
    connection.send(head)
    block = bytes(MB)
    left = size - len(PDF)
    while left:
        connection.send(block[:min(left, MB)])
        left -= min(left, MB)
    connection.send(tail)
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


def test_a_100_mb_upload_to_s3_keeps_the_servers_memory_flat(app, s3_settings, redis_url,
                                                              tmp_path, candidate_entry):
    """As the benchmark measures on local disk: the serving worker's peak memory during
    the upload stays under 16 MB above where it was."""
    author, entry = candidate_entry
    size = 100 * MB
    settings = server_settings(app, s3_settings, redis_url)
    with servers.portal_servers({**settings, **own_folders(tmp_path, "only")}) as [
            (port, master)]:
        [worker] = servers.worker_pids(master)
        visitor = Visitor()
        assert visitor.sign_in(port, author.email).status_code == 303
        # Warm up: the first upload loads boto3's models and the upload page's templates.
        assert streamed_upload(port, visitor, entry.id, MB) == 303
        servers.reset_peak_memory(worker)
        before = servers.memory_kb(worker, "VmRSS")
        assert streamed_upload(port, visitor, entry.id, size) == 303
        growth_mb = (servers.memory_kb(worker, "VmHWM") - before) / 1024
    assert growth_mb < 16, f"the worker's memory grew {growth_mb:.1f} MB"
    db.session.expire_all()
    sizes = sorted(db.session.scalars(select(Attachment.size_bytes)))
    assert sizes == [MB, size]
    assert len(objects(settings)) == 2


# -- two servers ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def two_servers(app, s3_client, s3_endpoint, redis_url, tmp_path_factory):
    """Servers a and b, sharing PostgreSQL, a bucket and Redis; yields their ports and
    settings. (Several servers share PostgreSQL in production; SQLite is for one.)"""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("several servers share PostgreSQL")
    bucket = s3.make_bucket(s3_client)
    storage = {"FILE_STORAGE": "s3", "S3_BUCKET": bucket, "S3_PREFIX": "attachments",
               "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": s3.REGION,
               "S3_SERVER_SIDE_ENCRYPTION": "AES256"}
    settings = server_settings(app, storage, redis_url)
    folders = tmp_path_factory.mktemp("servers")
    try:
        with servers.portal_servers({**settings, **own_folders(folders, "a")},
                                    {**settings, **own_folders(folders, "b")}) as started:
            yield [port for port, _master in started], settings, folders
    finally:
        s3.remove_bucket(s3_client, bucket)


@pytest.mark.postgres_only
def test_a_file_uploaded_through_one_server_is_downloaded_through_the_other(
        two_servers, candidate_entry):
    (a, b), settings, folders = two_servers
    author, entry = candidate_entry
    visitor = Visitor()
    assert visitor.sign_in(a, author.email).status_code == 303
    files_page = f"/evidence/{entry.id}/attachments"
    token = visitor.csrf_token(b, files_page)
    uploaded = visitor.request(a, "POST", files_page,
                               data={"csrf_token": token, "form_key": new_form_key()},
                               files={"files": ("Supervision notes.pdf", PDF)})
    assert uploaded.status_code == 303, uploaded.text[:500]
    attachment = db.session.scalars(select(Attachment)).one()
    url = f"{files_page}/{attachment.id}"

    downloaded = visitor.request(b, "GET", url)
    assert downloaded.status_code == 200
    assert downloaded.content == PDF
    assert downloaded.headers["Content-Disposition"].startswith(
        'attachment; filename="Supervision notes.pdf"')
    assert downloaded.headers["X-Content-Type-Options"] == "nosniff"
    assert downloaded.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert objects(settings) == [
        f"attachments/{attachment.stored_name[:2]}/{attachment.stored_name}"]

    removed = visitor.request(b, "POST", f"{url}/delete",
                              data={"csrf_token": visitor.csrf_token(a, files_page)})
    assert removed.status_code == 303
    assert visitor.request(a, "GET", url).status_code == 404
    assert objects(settings) == []
    for name in ("a", "b"):
        assert not (folders / name / "uploads").exists()  # nothing on either's disk


@pytest.mark.postgres_only
def test_failed_sign_ins_are_counted_across_servers(two_servers, candidate_entry):
    """Five wrong passwords in 15 minutes lock the account whichever servers they reach;
    with counts in each process's memory, two servers would allow ten."""
    (a, b), _settings, _folders = two_servers
    author, _entry = candidate_entry
    for port in (a, b, a, b, a):
        assert Visitor().sign_in(port, author.email, "wrong guess").status_code == 400
    assert Visitor().sign_in(b, author.email).status_code == 429
    assert Visitor().sign_in(a, author.email).status_code == 429


# -- two servers and one worker ---------------------------------------------------------------

def _procrastinate_job_states() -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.execute(text(
            "SELECT status FROM procrastinate_jobs ORDER BY id")).scalars())


@pytest.fixture
def assessed_candidate(org):
    """A candidate on the ASYE with an assessor, a first review point and one entry."""
    lead = factories.user(org, roles=["programme_lead"])
    assessor = factories.user(org, roles=["assessor"], email="helen.shaw@example.org")
    candidate = factories.user(org, roles=["candidate"], email="amara.okafor@example.org")
    portfolio = make_portfolio(org, candidate=candidate, start=date(2026, 1, 5))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    entry = make_entry(candidate)
    db.session.commit()
    first_point = min(portfolio.review_points, key=lambda point: point.due_on)
    return candidate, assessor, entry, first_point


@pytest.mark.postgres_only
def test_two_servers_and_one_worker_share_files_jobs_and_reminders(
        app, two_servers, assessed_candidate, tmp_path):
    """As a council runs it: requests land on either server, one worker sends what they
    queued, and the day's reminders go once even when the day is asked for twice."""
    (a, b), _settings, _folders = two_servers
    candidate, assessor, entry, first_point = assessed_candidate
    files_page = f"/evidence/{entry.id}/attachments"
    with smtp_server() as (smtp_port, inbox):
        worker = start_worker(tmp_path, smtp_port)
        try:
            author = Visitor()
            assert author.sign_in(a, candidate.email).status_code == 303
            uploaded = author.request(a, "POST", files_page, files={
                "files": ("Reflective log.pdf", PDF)}, data={
                "csrf_token": author.csrf_token(a, files_page), "form_key": new_form_key()})
            assert uploaded.status_code == 303, uploaded.text[:500]
            attachment = db.session.scalars(select(Attachment)).one()
            # The assessor reads the file through the other server.
            reader = Visitor()
            assert reader.sign_in(b, assessor.email).status_code == 303
            downloaded = reader.request(b, "GET", f"{files_page}/{attachment.id}")
            assert downloaded.status_code == 200 and downloaded.content == PDF

            # A job queued by a request to server a is sent by the worker.
            forgetful = Visitor()
            asked = forgetful.request(a, "POST", "/password-reset", data={
                "email": assessor.email,
                "csrf_token": forgetful.csrf_token(a, "/password-reset")})
            assert asked.status_code == 200
            # The day's reminders asked for twice (as two schedulers might): sent once.
            day = (first_point.due_on - timedelta(days=14)).isoformat()
            app.config["JOBS_INLINE"] = False
            jobs.defer_many(daily_reminders, [{"day": day}, {"day": day}])
            db.session.commit()
            finished = wait_for(lambda: len(inbox.messages) >= 3 and set(
                _procrastinate_job_states()) == {"succeeded"}, seconds=60)
            time.sleep(1)  # room for a wrong fourth email to arrive
        finally:
            app.config["JOBS_INLINE"] = True
            output = stop_worker(worker)
            with db.engine.begin() as connection:
                connection.execute(text("DELETE FROM procrastinate_jobs"))
        assert finished, output[-3000:]
    subjects_by_address = sorted((message["To"], message["Subject"])
                                 for message in inbox.messages)
    assert [address for address, _subject in subjects_by_address] == sorted(
        [assessor.email, assessor.email, candidate.email])
    assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 2
