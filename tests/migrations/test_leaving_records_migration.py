"""The leaving-records migration adds the leaving_record and team_change tables, whose
CHECK constraints refuse an unknown reason and a move to the same team, and its downgrade
drops them and keeps everyone's account."""

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

BEFORE, AFTER = "e5b1c7a94f20", "7b57cafb765b"
LEAVING = ("INSERT INTO leaving_record (organisation_id, candidate_id, left_on, reason, "
           "recorded_at) SELECT organisation_id, id, '2026-03-31', :reason, "
           "'2026-04-01 09:00:00' FROM user_account WHERE name = :name")


def test_the_tables_come_and_go_and_refuse_what_makes_no_sense(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
            connection.execute(text(
                "INSERT INTO team (organisation_id, name) SELECT id, 'North' FROM organisation"))
        upgrade(revision=AFTER)
        assert {"leaving_record", "team_change"} <= set(inspect(db.engine).get_table_names())
        with db.engine.begin() as connection:
            connection.execute(text(LEAVING), {"reason": "resignation", "name": "Cara"})
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(LEAVING), {"reason": "fed_up", "name": "Asha"})
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO team_change (organisation_id, candidate_id, from_team_id, "
                "to_team_id, changed_on, recorded_at) SELECT u.organisation_id, u.id, t.id, "
                "t.id, '2026-01-05', '2026-01-05 09:00:00' FROM user_account u, team t "
                "WHERE u.name = 'Asha'"))
        downgrade(revision=BEFORE)
        tables = set(inspect(db.engine).get_table_names())
        assert not {"leaving_record", "team_change"} & tables
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
