"""The soak (`make soak`, issue 24): people signing in, reading, saving and uploading at
once against a real gunicorn, with every acknowledged save looked for afterwards. Here a
few people for a few seconds; the 50-people, 10-minute run is `make soak`."""

import random
import secrets
from datetime import date

import pytest
from sqlalchemy import delete, select

from bench.soak_checks import failures, missing_saves
from bench.soak_people import Person, Tally, simulate
from portal.core.db import db
from portal.core.storage.local import LocalFileStorage
from portal.evidence.models import Attachment, EvidenceEntry
from tests import factories, servers
from tests.evidence.uploads import make_entry
from tests.portfolios.conftest import make_portfolio
from tests.races import postgres_only


def _people(org, count: int) -> list[Person]:
    people = []
    for number in range(count):
        candidate = factories.user(org, roles=["candidate"],
                                   email=f"soak{number}@example.org")
        portfolio = make_portfolio(org, candidate=candidate, start=date(2026, 1, 5))
        people.append(Person(candidate.email, factories.PASSWORD, portfolio.id,
                             make_entry(candidate).id))
    db.session.commit()
    return people


def _server_settings(app, tmp_path) -> dict:
    return {"PORTAL_ENV": "production", "SECRET_KEY": secrets.token_hex(32),
            "PORTAL_BASE_URL": "https://portal.test", "RATELIMIT_ENABLED": "false",
            "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
            "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
            "UPLOAD_DIR": str(tmp_path / "uploads")}


# The soak is a test of the production set-up: several writers at once on PostgreSQL.
@pytest.mark.postgres_only
def test_a_short_soak_saves_what_it_acknowledges_and_the_check_finds_a_lost_save(
        app, org, tmp_path):
    postgres_only()
    people = _people(org, 3)
    with servers.portal_servers(_server_settings(app, tmp_path)) as [(port, _master)]:
        tally = simulate(port, people, seconds=6, run="test",
                         rng=random.Random(4))
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    assert tally.problems == []
    assert tally.saved_entries and tally.saved_files
    assert set(tally.latencies) >= {"sign in", "save entry", "upload"}
    missing = missing_saves(database_url, tally, tmp_path / "uploads")
    assert missing == {"entries": [], "files": []}
    assert failures(tally, missing) == []

    # A file whose row is there but whose content is not in the store is missing too.
    stored = db.session.scalar(select(Attachment.stored_name).where(
        Attachment.original_name == max(tally.saved_files)[1]))
    LocalFileStorage(tmp_path / "uploads").path(stored).unlink()
    assert missing_saves(database_url, tally, tmp_path / "uploads")["files"] == [
        max(tally.saved_files)]

    # A save the portal acknowledged but the database lost is found and fails the soak.
    db.session.rollback()
    lost_entry, lost_file = min(tally.saved_entries.values()), min(tally.saved_files)
    db.session.execute(delete(Attachment).where(Attachment.original_name == lost_file[1]))
    db.session.execute(delete(Attachment).where(Attachment.entry_id == lost_entry))
    db.session.execute(delete(EvidenceEntry).where(EvidenceEntry.id == lost_entry))
    db.session.commit()
    missing = missing_saves(database_url, tally)
    assert lost_file in missing["files"]
    assert [entry_id for _title, entry_id in missing["entries"]] == [lost_entry]
    assert any("missing afterwards" in line for line in failures(tally, missing))


def test_a_server_error_a_connection_error_or_no_saves_fail_the_soak():
    tally = Tally()
    assert failures(tally, {"entries": [], "files": []}) == [
        "nothing was saved: the soak did not exercise saves"]
    tally.saved_entries["Soak x"] = 1
    tally.saved_files.add((1, "a.pdf"))
    assert failures(tally, {"entries": [], "files": []}) == []
    tally.problem("save entry: POST answered 500")
    tally.problem("upload: connection error (ConnectionError)")
    assert failures(tally, {"entries": [], "files": []}) == [
        "save entry: POST answered 500", "upload: connection error (ConnectionError)"]
