"""The programme versions migration gives every existing programme a family (its own
code), version 1 and the published state in place, keeping its cohort and stages; a
second row of a family with the same number is refused, as is an unknown state. Its
downgrade drops the columns and keeps every row."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    _enrol_everyone,
    scratch_database_url,
)

BEFORE, AFTER = "5e8f1a7c3d20", "a7c41e9b2d58"
VERSION_ROW = ("INSERT INTO programme (organisation_id, code, name, kind, duration_months, "
               "active, config_key, family_code, version, state) SELECT id, :code, 'ASYE', "
               "'asye', 12, TRUE, 'k', 'asye', :version, :state FROM organisation")


def _columns(table: str) -> set[str]:
    return {c["name"] for c in inspect(db.engine).get_columns(table)}


def test_existing_programmes_become_published_first_versions(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara")
            _enrol_everyone(connection, membership_columns="")
            connection.execute(text(
                "INSERT INTO programme_stage (programme_id, code, title, start_month, "
                "end_month, position) SELECT id, 'first', 'First', 0, 3, 0 FROM programme"))
        upgrade(revision=AFTER)
        with db.engine.begin() as connection:
            assert connection.execute(text(
                "SELECT family_code, version, state FROM programme")).one() == (
                "asye", 1, "published")
            assert connection.execute(text("SELECT count(*) FROM cohort")).scalar() == 1
            assert connection.execute(text(
                "SELECT count(*) FROM programme_stage")).scalar() == 1
            connection.execute(text(VERSION_ROW),
                               {"code": "asye-v2", "version": 2, "state": "draft"})
        for wrong in ({"code": "asye-again", "version": 2, "state": "draft"},
                      {"code": "asye-v3", "version": 3, "state": "lost"},
                      {"code": "asye-v0", "version": 0, "state": "draft"}):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text(VERSION_ROW), wrong)
        downgrade(revision=BEFORE)
        assert not {"family_code", "version", "state"} & _columns("programme")
        assert "needs" not in _columns("review_point_definition")
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM programme")).scalar() == 2
            assert connection.execute(text(
                "SELECT count(*) FROM programme_stage")).scalar() == 1
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
