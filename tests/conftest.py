"""Test fixtures shared by the whole suite.

The same suite runs on SQLite (default) and on PostgreSQL when TEST_DATABASE_URL is set.
The schema is made once per run by the Alembic migrations (never create_all); each test
starts from empty tables, which also lets browser tests share data with a live server.
"""

import contextvars
import os
import re
from contextlib import contextmanager

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from flask_migrate import upgrade
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import event, text

from portal import create_app
from portal.config import normalise_database_url
from portal.core.db import db
from portal.core.extensions import limiter
from portal.core.forms import new_form_key
from portal.frameworks import element_cache
from portal.programmes import configuration as programme_configuration
from tests import factories, s3, servers


def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'portal-test.db'}"


def _drop_everything() -> None:
    """Start a PostgreSQL run from an empty schema (a previous run may have died)."""
    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))


class PortalClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form POST by default.

    Each request runs in its own application context, as in production. Without this,
    Flask would reuse the test's context, sharing `g` (the signed-in user) and the
    database session between requests and hiding a view that forgets to commit.
    """

    def open(self, *args, **kwargs):
        def serve():
            response = super(PortalClient, self).open(*args, **kwargs)
            # Read the body, then close the response as a server would: that runs the
            # work the app leaves until the response has gone (emails).
            response.get_data()
            response.close()
            return response

        # In an empty context, as a server thread starts: no application context is active,
        # so Flask pushes the request's own instead of reusing the test's.
        return contextvars.Context().run(serve)

    def csrf_token(self) -> str:
        app = self.application
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = os.urandom(20).hex()
        return URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            # As a page drawn for this post would: a fresh one-time key for create forms
            # (portal.core.once). Tests of sending a form twice pass the same key twice.
            data.setdefault("form_key", new_form_key())
            kwargs["data"] = data
        return super().post(*args, **kwargs)

    def htmx_post(self, url: str, data: dict | None = None, csrf_header: bool = True):
        headers = {"HX-Request": "true"}
        if csrf_header:
            headers["X-CSRFToken"] = self.csrf_token()
        data = {"form_key": new_form_key(), **(data or {})}
        return super().post(url, data=data, headers=headers)

    def htmx_get(self, url: str, **kwargs):
        return self.get(url, headers={"HX-Request": "true"}, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    upload_dir = tmp_path_factory.mktemp("uploads")
    application = create_app(
        {
            "TESTING": True,
            "PORTAL_ENV": "development",
            "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path_factory),
            "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
            "UPLOAD_DIR": str(upload_dir),
            "MAIL_BACKEND": "memory",
            # Jobs run in-process after each commit, as with SQLite, on both databases;
            # tests/core/test_jobs*.py cover the queue and a real worker on PostgreSQL.
            "JOBS_INLINE": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            # As in development; tests/accounts/councils turn it on to test it.
            "TWO_FACTOR_FOR_SERVICE_ADMINISTRATORS": False,
            "SERVER_NAME": None,
        }
    )
    application.test_client_class = PortalClient
    with application.app_context():
        _drop_everything()
        upgrade()
    return application


@pytest.fixture(autouse=True)
def _clean_database(app):
    """Every test starts with empty tables, a fresh rate limiter, an empty outbox and
    empty per-process caches."""
    with app.app_context():
        yield
        empty_database(app)


def empty_database(app) -> None:
    """Empty every table, the rate limiter, the outbox and the per-process caches (inside
    an application context). Also for module-scoped data, which overrides the fixture above."""
    db.session.remove()
    with db.engine.begin() as connection:
        # portfolio and portfolio_snapshot point at each other: break the cycle first.
        connection.execute(text(
            "UPDATE portfolio SET current_snapshot_id = NULL, state = 'draft'"))
        # Corrections point at the decision they correct: remove the newest links first.
        while connection.execute(text(
                "DELETE FROM panel_decision WHERE id NOT IN (SELECT corrects_id FROM "
                "panel_decision WHERE corrects_id IS NOT NULL)")).rowcount:
            pass
        for table in reversed(db.metadata.sorted_tables):
            connection.execute(table.delete())
    limiter.reset()
    app.extensions.get("portal_outbox", []).clear()
    # Ids come round again once the tables are empty; cached copies must not.
    element_cache.forget_all()
    programme_configuration.forget_all()


@pytest.fixture(scope="session")
def s3_endpoint():
    """A real S3 API server (moto_server) on 127.0.0.1 for the whole run; never skipped.
    boto3 is given test credentials, so it never finds the machine's own."""
    with pytest.MonkeyPatch.context() as environment:
        for name, value in s3.ENVIRONMENT.items():
            environment.setenv(name, value)
        for name in s3.UNSET:
            environment.delenv(name, raising=False)
        with servers.moto_s3() as endpoint:
            yield endpoint


@pytest.fixture(scope="session")
def s3_client(s3_endpoint):
    return s3.client(s3_endpoint)


@pytest.fixture
def s3_bucket(s3_client):
    """A new, empty bucket for one test, removed afterwards."""
    bucket = s3.make_bucket(s3_client)
    yield bucket
    s3.remove_bucket(s3_client, bucket)


@pytest.fixture
def s3_settings(app, s3_endpoint, s3_bucket, monkeypatch) -> dict:
    """The app keeps its files in this test's bucket (encrypted, under a prefix); the
    settings are returned as the environment a portal process would be given."""
    settings = {"FILE_STORAGE": "s3", "S3_BUCKET": s3_bucket, "S3_PREFIX": "attachments",
                "S3_ENDPOINT_URL": s3_endpoint, "S3_REGION": s3.REGION,
                "S3_SERVER_SIDE_ENCRYPTION": "AES256"}
    for name, value in settings.items():
        monkeypatch.setitem(app.config, name, value)
    return settings


@pytest.fixture
def no_propagation(app):
    """Let the app turn exceptions into its 500 page, as in production."""
    app.testing, propagate = False, app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = propagate


@pytest.fixture
def client(app) -> PortalClient:
    return app.test_client()


def sign_in(client, user, password: str = factories.PASSWORD):
    """Sign `user` in through the real form; returns the response."""
    db.session.commit()
    response = client.post("/sign-in", data={"email": user.email, "password": password})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return response


@pytest.fixture
def org():
    """A council, committed: requests write in their own transactions (a failed sign-in
    writes its audit row), which SQLite would make wait for an open one of the test's."""
    organisation = factories.organisation()
    db.session.commit()
    return organisation


@pytest.fixture
def as_role(client, org):
    """Sign in as a fresh user of `org` holding the given role(s); returns the user."""

    def _as(*roles):
        user = factories.user(org, roles=roles)
        sign_in(client, user)
        return user

    return _as


def page(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def assert_no_duplicate_ids(soup: BeautifulSoup) -> None:
    ids = [tag["id"] for tag in soup.find_all(id=True)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"


def error_summary(soup: BeautifulSoup) -> list[str]:
    summary = soup.select_one(".govuk-error-summary")
    if summary is None:
        return []
    return [re.sub(r"\s+", " ", li.get_text()).strip() for li in summary.select("li")]


@contextmanager
def count_queries():
    """Count the SQL statements run inside the block."""
    statements: list[str] = []

    def _before(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", _before)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", _before)


@pytest.fixture
def postgres_queue(app):
    """The app writing its jobs to Procrastinate's table, as in production (PostgreSQL)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("Procrastinate's queue lives in PostgreSQL")
    app.config["JOBS_INLINE"] = False
    try:
        yield
    finally:
        app.config["JOBS_INLINE"] = True
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM procrastinate_jobs"))
