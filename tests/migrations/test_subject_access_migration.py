"""The subject access migration adds the subject_access_export table, whose CHECK
constraints refuse an unknown state and a ready export without its file, and its downgrade
drops it and keeps everyone's account."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "ede96c19ea5e", "c3d9a6e1f2b4"
EXPORT = ("INSERT INTO subject_access_export (organisation_id, subject_id, requested_by_id, "
          "state, requested_at, ready_at, stored_name, sha256, size) SELECT s.organisation_id, "
          "s.id, a.id, :state, '2026-12-01 09:00:00', :ready_at, :stored_name, :sha256, "
          ":size FROM user_account s, user_account a WHERE s.name = 'Cara' AND a.name = 'Ada'")
READY = {"state": "ready", "ready_at": "2026-12-01 09:01:00", "stored_name": "a" * 32,
         "sha256": "b" * 64, "size": 1024}


def test_the_table_comes_and_goes_and_refuses_what_makes_no_sense(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Ada")
        upgrade(revision=AFTER)
        assert "subject_access_export" in inspect(db.engine).get_table_names()
        with db.engine.begin() as connection:
            connection.execute(text(EXPORT), READY)
        for wrong in ({**READY, "state": "lost"}, {**READY, "stored_name": None}):
            with pytest.raises(IntegrityError), db.engine.begin() as connection:
                connection.execute(text(EXPORT), wrong)
        downgrade(revision=BEFORE)
        assert "subject_access_export" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
