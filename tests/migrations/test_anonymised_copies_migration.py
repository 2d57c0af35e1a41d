"""The anonymised copies migration adds anonymised_copy and redaction_decision with the
CHECK constraints that tie a state to its columns; its downgrade drops them and keeps
everyone's account."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "3c9d2e7a1f64", "c3d9a5e1f7b4"
TABLES = {"anonymised_copy", "redaction_decision"}


def test_the_tables_come_and_go(scratch_database_url):  # noqa: F811 (the fixture above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Ada")
        upgrade(revision=AFTER)
        tables = inspect(db.engine)
        assert set(tables.get_table_names()) >= TABLES
        checks = {check["name"] for check in tables.get_check_constraints("redaction_decision")}
        assert {"ck_redaction_decision_decision_known", "ck_redaction_decision_own_label_given",
                "ck_redaction_decision_decided_when_dated"} <= checks
        checks = {check["name"] for check in tables.get_check_constraints("anonymised_copy")}
        assert "ck_anonymised_copy_approved_when_dated" in checks
        downgrade(revision=BEFORE)
        assert not TABLES & set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
