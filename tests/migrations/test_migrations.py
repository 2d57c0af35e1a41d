"""Migrations upgrade, downgrade and upgrade again, and agree with the models."""

import os

import pytest
from flask_migrate import check, downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from portal import create_app
from portal.config import normalise_database_url
from portal.core.db import db

SCRATCH_SUFFIX = "_migration_check"


@pytest.fixture
def scratch_database_url(tmp_path):
    """An empty database of the same kind as the suite's (SQLite file or PostgreSQL)."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not url:
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    server = make_url(normalise_database_url(url))
    # Named after the suite's database, so runs against different databases on one server
    # (a developer's and CI's) never drop each other's scratch database.
    scratch = f"{server.database}{SCRATCH_SUFFIX}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}"'))
        connection.execute(text(f'CREATE DATABASE "{scratch}"'))
    yield server.set(database=scratch).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)'))
    admin.dispose()


def _council_with(connection, *names: str) -> None:
    """A council and an account for each name, in raw SQL: these tests run at revisions
    whose schema the models no longer describe (columns every revision has)."""
    connection.execute(text(
        "INSERT INTO organisation (name, short_name) VALUES ('Northshire', 'N')"))
    for name in names:
        connection.execute(text(
            "INSERT INTO user_account (organisation_id, name, email, password_hash, "
            "active, session_token, created_at) SELECT id, :name, :email, 'x', TRUE, "
            ":name, '2026-09-01 09:00:00' FROM organisation"),
            {"name": name, "email": f"{name.lower()}@example.org"})


def _entry_by(connection, name: str, title: str) -> None:
    connection.execute(text(
        "INSERT INTO evidence_entry (candidate_id, organisation_id, title, occurred_on, "
        "evidence_type, reflection, anonymised_confirmed, created_at, updated_at) "
        "SELECT u.id, u.organisation_id, :title, '2026-10-01', 'other', '', FALSE, "
        "'2026-10-01 09:00:00', '2026-10-01 09:00:00' FROM user_account u "
        "WHERE u.name = :name"), {"name": name, "title": title})


_ENROLMENT = (
    "INSERT INTO programme (organisation_id, code, name, kind, duration_months, active, "
    "config_key) SELECT id, 'asye', 'ASYE', 'asye', 12, TRUE, 'k' FROM organisation",
    "INSERT INTO cohort (organisation_id, programme_id, name, start_date, entry_route, "
    "active) SELECT organisation_id, id, 'September', '2026-09-07', 'university', TRUE "
    "FROM programme",
    "INSERT INTO cohort_membership (cohort_id, candidate_id, joined_on{columns}) "
    "SELECT c.id, u.id, '2026-09-07'{values} FROM cohort c, user_account u",
    "INSERT INTO portfolio (organisation_id, candidate_id, programme_id, membership_id, "
    "start_date, state, created_at) SELECT u.organisation_id, u.id, c.programme_id, m.id, "
    "'2026-09-07', 'draft', '2026-09-07 09:00:00' FROM cohort_membership m "
    "JOIN user_account u ON u.id = m.candidate_id JOIN cohort c ON c.id = m.cohort_id",
)


def _enrol_everyone(connection, membership_columns: str, membership_values: str = "") -> None:
    """A programme and cohort, and every account a member with a portfolio. A membership
    has more columns at later revisions: the caller names them."""
    for statement in _ENROLMENT:
        connection.execute(text(statement.format(columns=membership_columns,
                                                 values=membership_values)))


def test_upgrade_downgrade_upgrade_and_models_match(scratch_database_url):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"user_account", "organisation", "cohort", "audit_event"} <= tables
        check()  # raises if the models and the migrations disagree
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        check()
        db.session.remove()
        db.engine.dispose()


def test_migration_files_are_named_by_date():
    import re
    from pathlib import Path

    versions = Path(__file__).resolve().parents[2] / "migrations" / "versions"
    names = [p.name for p in versions.glob("*.py")]
    assert names
    for name in names:
        assert re.match(r"\d{4}_\d{2}_\d{2}_\d{4}_[0-9a-f]+_\w+\.py$", name), name


def test_existing_programmes_get_a_config_key(scratch_database_url):
    """The config_key migration fills the new column for programmes already there,
    keeps what hangs off them (SQLite must not rebuild the table with foreign keys on),
    and its downgrade takes the column away again, still keeping them."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})

    def children(connection) -> tuple:
        return (connection.execute(text("SELECT count(*) FROM programme_stage")).scalar(),
                connection.execute(text("SELECT count(*) FROM cohort")).scalar())

    with app.app_context():
        upgrade(revision="d748cb709716")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO organisation (name, short_name) VALUES ('Northshire', 'N')"))
            connection.execute(text(
                "INSERT INTO programme (organisation_id, code, name, kind, duration_months, "
                "active) SELECT id, 'asye', 'ASYE', 'asye', 12, TRUE FROM organisation"))
            connection.execute(text(
                "INSERT INTO programme_stage (programme_id, code, title, start_month, "
                "end_month, position) SELECT id, 'early', 'Early', 0, 3, 1 FROM programme"))
            connection.execute(text(
                "INSERT INTO cohort (organisation_id, programme_id, name, start_date, "
                "entry_route, active) SELECT organisation_id, id, 'September', '2026-09-07', "
                "'university', TRUE FROM programme"))
        upgrade(revision="5b1e0c3f9a27")
        with db.engine.connect() as connection:
            keys = connection.execute(text("SELECT id, config_key FROM programme")).all()
            assert children(connection) == (1, 1)
        assert [key for _id, key in keys] == [f"initial-{keys[0][0]}"]
        downgrade(revision="d748cb709716")
        columns = {c["name"] for c in inspect(db.engine).get_columns("programme")}
        assert "config_key" not in columns
        with db.engine.connect() as connection:
            assert children(connection) == (1, 1)
        db.session.remove()
        db.engine.dispose()


def test_existing_threads_fill_in_who_wrote_last(scratch_database_url):
    """The last_feedback_from migration reads each thread's latest message (by time, then
    id); an entry without feedback stays empty; the downgrade keeps the entries."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision="8c41d2e7b5a0")
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
            for title in ("replied", "answered", "untouched"):
                _entry_by(connection, "Cara", title)
            thread = [("replied", "Asha", "09:00"), ("replied", "Cara", "10:00"),
                      ("answered", "Cara", "09:00"), ("answered", "Asha", "09:00")]
            for title, author, time in thread:  # same time: the later id decides
                connection.execute(text(
                    "INSERT INTO evidence_feedback (entry_id, author_id, kind, body, "
                    "created_at) SELECT e.id, u.id, 'comment', 'A message', :at "
                    "FROM evidence_entry e, user_account u WHERE e.title = :title "
                    "AND u.name = :author"),
                    {"title": title, "author": author, "at": f"2026-10-02 {time}:00"})
        upgrade(revision="3e7a91c4d2b8")
        with db.engine.connect() as connection:
            found = dict(connection.execute(text(
                "SELECT title, last_feedback_from FROM evidence_entry")).all())
        assert found == {"replied": "candidate", "answered": "staff", "untouched": None}
        downgrade(revision="8c41d2e7b5a0")
        columns = {c["name"] for c in inspect(db.engine).get_columns("evidence_entry")}
        assert "last_feedback_from" not in columns
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM evidence_feedback")).scalar() == 4
        db.session.remove()
        db.engine.dispose()


def test_existing_memberships_get_their_sort_name(scratch_database_url):
    """The sort_name migration fills each membership from its candidate's name, keeps the
    portfolio that hangs off it (no SQLite table rebuild), and its downgrade takes the
    column away again, still keeping both."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})

    def kept(connection) -> tuple:
        return (connection.execute(text("SELECT count(*) FROM cohort_membership")).scalar(),
                connection.execute(text("SELECT count(*) FROM portfolio")).scalar())

    with app.app_context():
        upgrade(revision="3e7a91c4d2b8")
        with db.engine.begin() as connection:
            for statement in (
                "INSERT INTO organisation (name, short_name) VALUES ('Northshire', 'N')",
                "INSERT INTO user_account (organisation_id, name, email, password_hash, active, "
                "session_token, created_at) SELECT id, '  Élodie Ng ', 'e@example.org', 'x', "
                "TRUE, 't', '2026-09-01 09:00:00' FROM organisation",
            ):
                connection.execute(text(statement))
            _enrol_everyone(connection, membership_columns="")
        upgrade(revision="a7d2c9e4f1b3")
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT sort_name FROM cohort_membership")).scalar() == "élodie ng"
            assert kept(connection) == (1, 1)
        downgrade(revision="3e7a91c4d2b8")
        columns = {c["name"] for c in inspect(db.engine).get_columns("cohort_membership")}
        assert "sort_name" not in columns
        with db.engine.connect() as connection:
            assert kept(connection) == (1, 1)
        db.session.remove()
        db.engine.dispose()


def test_existing_accounts_get_their_attachment_total(scratch_database_url):
    """The attachment_bytes migration totals each person's files (nobody's stays 0), keeps
    the rows that hang off the account (no SQLite table rebuild), and its downgrade takes the
    column away again, still keeping them."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})

    def kept(connection) -> tuple:
        return (connection.execute(text("SELECT count(*) FROM evidence_entry")).scalar(),
                connection.execute(text("SELECT count(*) FROM attachment")).scalar())

    with app.app_context():
        upgrade(revision="a7d2c9e4f1b3")
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
            _entry_by(connection, "Cara", "Home visit")
            for number, size in enumerate((3_000_000_000, 1234)):  # beyond 32 bits
                connection.execute(text(
                    "INSERT INTO attachment (entry_id, owner_id, original_name, stored_name, "
                    "content_type, size_bytes, sha256, uploaded_at) SELECT e.id, "
                    "e.candidate_id, 'a.pdf', :stored, 'application/pdf', :size, :sha, "
                    "'2026-10-01 09:00:00' FROM evidence_entry e"),
                    {"stored": f"{number:032d}", "size": size, "sha": "0" * 64})
        upgrade(revision="5b8e2f6a9c1d")
        with db.engine.connect() as connection:
            assert dict(connection.execute(text(
                "SELECT name, attachment_bytes FROM user_account")).all()) == {
                    "Cara": 3_000_001_234, "Asha": 0}
            assert kept(connection) == (1, 2)
        downgrade(revision="a7d2c9e4f1b3")
        columns = {c["name"] for c in inspect(db.engine).get_columns("user_account")}
        assert "attachment_bytes" not in columns
        with db.engine.connect() as connection:
            assert kept(connection) == (1, 2)
        db.session.remove()
        db.engine.dispose()


def test_existing_portfolio_entries_get_their_feedback_state(scratch_database_url):
    """The awaiting_feedback migration marks a portfolio entry awaiting unless its entry's
    thread ends with staff, and its downgrade takes the column and index away, keeping the
    rows (no SQLite table rebuild)."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision="5b8e2f6a9c1d")
        with db.engine.begin() as connection:
            _council_with(connection, "Cara")
            _enrol_everyone(connection, membership_columns=", sort_name",
                            membership_values=", 'cara'")
            for title, last in (("answered", "staff"), ("replied", "candidate"),
                                ("untouched", None)):
                _entry_by(connection, "Cara", title)
                connection.execute(text(
                    "UPDATE evidence_entry SET last_feedback_from = :last WHERE title = :title"),
                    {"title": title, "last": last})
            connection.execute(text(
                "INSERT INTO portfolio_entry (portfolio_id, entry_id, added_at) "
                "SELECT p.id, e.id, '2026-10-02 09:00:00' FROM portfolio p, evidence_entry e"))
        upgrade(revision="c4f1a8d93e62")
        with db.engine.connect() as connection:
            found = {title: bool(awaiting) for title, awaiting in connection.execute(text(
                "SELECT e.title, p.awaiting_feedback FROM portfolio_entry p "
                "JOIN evidence_entry e ON e.id = p.entry_id")).all()}
        assert found == {"answered": False, "replied": True, "untouched": True}
        downgrade(revision="5b8e2f6a9c1d")
        columns = {c["name"] for c in inspect(db.engine).get_columns("portfolio_entry")}
        assert "awaiting_feedback" not in columns
        assert "ix_portfolio_entry_awaiting" not in {
            index["name"] for index in inspect(db.engine).get_indexes("portfolio_entry")}
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM portfolio_entry")).scalar() == 3
        db.session.remove()
        db.engine.dispose()


def test_the_copied_columns_give_way_to_one_feedback_status(scratch_database_url):
    """The no-copied-columns migration sets each entry's feedback_status from its thread's
    latest message (by time, then id; none without a thread, whatever the old copy said)
    and drops the three copies, keeping every row (no SQLite table rebuild). Its downgrade
    puts the copies back, filled from the names and threads, and drops the status."""
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})

    counts = [text("SELECT count(*) FROM cohort_membership"),
              text("SELECT count(*) FROM portfolio"), text("SELECT count(*) FROM evidence_entry"),
              text("SELECT count(*) FROM portfolio_entry"),
              text("SELECT count(*) FROM evidence_feedback")]

    def kept(connection) -> tuple:
        return tuple(connection.execute(count).scalar() for count in counts)

    def columns(table: str) -> set[str]:
        return {c["name"] for c in inspect(db.engine).get_columns(table)}

    def indexes(table: str) -> set[str]:
        return {index["name"] for index in inspect(db.engine).get_indexes(table)}

    with app.app_context():
        upgrade(revision="c4f1a8d93e62")
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
            connection.execute(text("UPDATE user_account SET name = ' Élodie Cara' "
                                    "WHERE name = 'Cara'"))
            _enrol_everyone(connection, membership_columns=", sort_name",
                            membership_values=", 'stale'")
            for title in ("replied", "answered", "untouched"):
                connection.execute(text(
                    "INSERT INTO evidence_entry (candidate_id, organisation_id, title, "
                    "occurred_on, evidence_type, reflection, anonymised_confirmed, "
                    "created_at, updated_at, last_feedback_from) SELECT u.id, "
                    "u.organisation_id, :title, '2026-10-01', 'other', '', FALSE, "
                    "'2026-10-01 09:00:00', '2026-10-01 09:00:00', 'staff' "
                    "FROM user_account u WHERE u.name = ' Élodie Cara'"), {"title": title})
            thread = [("replied", "Asha", "09:00"), ("replied", " Élodie Cara", "10:00"),
                      ("answered", " Élodie Cara", "09:00"), ("answered", "Asha", "09:00")]
            for title, author, time in thread:  # same time: the later id decides
                connection.execute(text(
                    "INSERT INTO evidence_feedback (entry_id, author_id, kind, body, "
                    "created_at) SELECT e.id, u.id, 'comment', 'A message', :at "
                    "FROM evidence_entry e, user_account u WHERE e.title = :title "
                    "AND u.name = :author"),
                    {"title": title, "author": author, "at": f"2026-10-02 {time}:00"})
            connection.execute(text(
                "INSERT INTO portfolio_entry (portfolio_id, entry_id, added_at, "
                "awaiting_feedback) SELECT p.id, e.id, '2026-10-02 09:00:00', FALSE "
                "FROM portfolio p, evidence_entry e WHERE p.candidate_id = e.candidate_id"))
            before = kept(connection)
        assert before == (2, 2, 3, 3, 4)

        upgrade(revision="3a6cda5d73f4")
        with db.engine.connect() as connection:
            assert dict(connection.execute(text(
                "SELECT title, feedback_status FROM evidence_entry")).all()) == {
                    "replied": "awaiting_assessor", "answered": "awaiting_candidate",
                    "untouched": None}
            assert kept(connection) == before
        assert "last_feedback_from" not in columns("evidence_entry")
        assert "awaiting_feedback" not in columns("portfolio_entry")
        assert "sort_name" not in columns("cohort_membership")
        assert "ix_evidence_entry_feedback_status" in indexes("evidence_entry")
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text("UPDATE evidence_entry SET feedback_status = 'staff'"))

        downgrade(revision="c4f1a8d93e62")
        with db.engine.connect() as connection:
            assert kept(connection) == before
            assert dict(connection.execute(text(
                "SELECT title, last_feedback_from FROM evidence_entry")).all()) == {
                    "replied": "candidate", "answered": "staff", "untouched": None}
            assert {title: bool(awaiting) for title, awaiting in connection.execute(text(
                "SELECT e.title, p.awaiting_feedback FROM portfolio_entry p "
                "JOIN evidence_entry e ON e.id = p.entry_id")).all()} == {
                    "replied": True, "answered": False, "untouched": True}
            assert sorted(connection.execute(text(
                "SELECT sort_name FROM cohort_membership")).scalars()) == ["asha", "élodie cara"]
        assert "feedback_status" not in columns("evidence_entry")
        assert "ix_evidence_entry_feedback_status" not in indexes("evidence_entry")
        assert "ix_portfolio_entry_awaiting" in indexes("portfolio_entry")
        assert "ix_cohort_membership_by_name" in indexes("cohort_membership")
        upgrade()
        db.session.remove()
        db.engine.dispose()
