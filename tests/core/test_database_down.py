"""While the database is unreachable or a save fails at the database, people get the
portal's own page (with its security headers) and keep what they typed; /healthz says 503
without detail; everything works again by itself when the database is back."""

from contextlib import contextmanager

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from portal import create_app
from portal.core.db import db
from portal.evidence.models import EvidenceDraft, EvidenceEntry
from tests import factories
from tests.conftest import PortalClient, page, sign_in

UNAVAILABLE = "Sorry, the service is unavailable"
# Nothing listens on port 1: connecting is refused at once.
UNREACHABLE = "postgresql+psycopg://portal@127.0.0.1:1/portal?connect_timeout=2"


@pytest.fixture
def database_down(app, tmp_path):
    """A second portal whose database cannot be reached."""
    down = create_app({**{name: app.config[name] for name in (
        "TESTING", "PORTAL_ENV", "SECRET_KEY", "MAIL_BACKEND", "JOBS_INLINE",
        "RATELIMIT_STORAGE_URI")}, "SQLALCHEMY_DATABASE_URI": UNREACHABLE,
        "SQLALCHEMY_ENGINE_OPTIONS": {}, "UPLOAD_DIR": str(tmp_path)})
    down.test_client_class = PortalClient
    return down.test_client()


def test_healthz_answers_503_without_detail_while_the_database_is_unreachable(database_down):
    response = database_down.get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}


def test_healthz_answers_200_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_sign_in_while_the_database_is_unreachable_gets_the_portals_page(database_down):
    response = database_down.post("/sign-in", data={"email": "amara@example.org",
                                                    "password": "a long passphrase"})
    assert response.status_code == 503
    assert page(response).h1.get_text(strip=True) == UNAVAILABLE
    assert "Content-Security-Policy" in response.headers
    assert response.headers["Retry-After"] == "30"
    assert "127.0.0.1" not in response.get_data(as_text=True)


@contextmanager
def failing(statement_start: str):
    """The database drops the connection on statements beginning `statement_start`."""

    def drop_connection(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith(statement_start):
            raise OperationalError(statement, None, ConnectionError("server closed"))

    event.listen(db.engine, "before_cursor_execute", drop_connection)
    try:
        yield
    finally:
        event.remove(db.engine, "before_cursor_execute", drop_connection)


def test_healthz_recovers_by_itself_when_the_database_answers_again(client):
    with failing("SELECT 1"):
        assert client.get("/healthz").status_code == 503
    assert client.get("/healthz").status_code == 200


def _entry(title: str) -> dict:
    return {"title": title, "occurred_on": ["3", "10", "2026"],
            "evidence_type": "critical_reflection", "reflection": "What I learnt.",
            "anonymised_confirmed": "y"}


def test_a_save_that_fails_at_the_database_says_so_and_the_next_save_works(client, org,
                                                                          caplog):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    with failing("INSERT INTO evidence_entry"):
        response = client.post("/evidence/new", data=_entry("Home visit"))
    assert response.status_code == 503
    soup = page(response)
    assert soup.h1.get_text(strip=True) == UNAVAILABLE
    assert "Go back in your browser" in soup.select_one("main").get_text()
    assert "Content-Security-Policy" in response.headers
    assert db.session.scalar(db.select(db.func.count()).select_from(EvidenceEntry)) == 0
    assert "Database unavailable on POST /evidence/new" in caplog.text  # for monitoring
    again = client.post("/evidence/new", data=_entry("Home visit"))
    assert again.status_code == 303


def test_an_autosave_that_fails_leaves_the_form_and_says_so_then_saves_again(client, org):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    with failing("INSERT INTO evidence_draft"):
        response = client.htmx_post("/evidence/drafts/new", data={"title": "typing"})
    assert response.status_code == 503
    # Shown in the notification area: the form, and the text in it, are not replaced.
    assert response.headers["HX-Retarget"] == "#notifications"
    assert "Your changes have not been saved" in response.get_data(as_text=True)
    saved = client.htmx_post("/evidence/drafts/new", data={"title": "typing more"})
    assert saved.status_code == 200 and "Draft saved" in saved.get_data(as_text=True)
    draft = db.session.scalar(db.select(EvidenceDraft))
    assert draft.fields["title"] == ["typing more"]
