"""The portfolio pack migration adds the portfolio_pack table with the CHECK constraints
that refuse an unknown state, a ready pack without its file and progress past its end; its
downgrade drops it and keeps everyone's account."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    scratch_database_url,
)

BEFORE, AFTER = "a71e5c0d93b2", "5e8f1a7c3d20"


def test_the_table_comes_and_goes(scratch_database_url):  # noqa: F811 (the fixture above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara", "Ada")
        upgrade(revision=AFTER)
        tables = inspect(db.engine)
        assert "portfolio_pack" in tables.get_table_names()
        checks = {check["name"] for check in tables.get_check_constraints("portfolio_pack")}
        assert {"ck_portfolio_pack_state_known", "ck_portfolio_pack_ready_has_file",
                "ck_portfolio_pack_steps_in_range"} <= checks
        downgrade(revision=BEFORE)
        assert "portfolio_pack" not in inspect(db.engine).get_table_names()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM user_account")).scalar() == 2
        upgrade(revision=AFTER)
        db.session.remove()
        db.engine.dispose()
