"""The two-factor migration turns the council setting on for existing councils (the
default the issue asks for), keeps every council and account, and its downgrade takes the
new tables and the column away again."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "7b57cafb765b", "ede96c19ea5e"


def test_existing_councils_require_two_factor_and_the_downgrade_removes_it(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Asha")

        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT two_factor_for_leads_and_admins FROM organisation")).scalars().all() \
                in ([True], [1])
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        assert {"two_factor", "recovery_code"} <= set(inspect(db.engine).get_table_names())

        downgrade(revision=BEFORE)
        tables = set(inspect(db.engine).get_table_names())
        assert not {"two_factor", "recovery_code"} & tables
        columns = {c["name"] for c in inspect(db.engine).get_columns("organisation")}
        assert "two_factor_for_leads_and_admins" not in columns
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade()
        db.session.remove()
        db.engine.dispose()
