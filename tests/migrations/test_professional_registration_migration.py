"""The professional-registration migration adds the table the funding claims read, whose
CHECK refuses a registration number that is not Social Work England's shape, and its
downgrade drops it and keeps everyone's account."""

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

BEFORE, AFTER = "c3d9a5e1f7b4", "d4e6f8a0b2c1"
REGISTRATION = (
    "INSERT INTO professional_registration (organisation_id, candidate_id, qualified_on, "
    "swe_number, recorded_at) SELECT organisation_id, id, '2026-06-30', :number, "
    "'2026-09-01 09:00:00' FROM user_account WHERE name = :name")


def test_the_table_comes_and_goes_and_refuses_a_number_of_the_wrong_shape(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")
        upgrade(revision=AFTER)
        assert "professional_registration" in inspect(db.engine).get_table_names()
        with db.engine.begin() as connection:
            connection.execute(text(REGISTRATION), {"number": "SW123456", "name": "Cara"})
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(REGISTRATION), {"number": "123456", "name": "Asha"})
        with pytest.raises(IntegrityError), db.engine.begin() as connection:
            connection.execute(text(REGISTRATION), {"number": "SW654321", "name": "Cara"})
        downgrade(revision=BEFORE)
        assert "professional_registration" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
