"""The agreement-signatures migration keeps existing agreements (unsigned, at revision 1)
and development plans (not reviewed, no change time), and its downgrade takes the new
columns and the versions table away again, still keeping them."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    _enrol_everyone,
    scratch_database_url,
)

BEFORE, AFTER = "4f1a2c8d6b35", "e0e484bd33c7"


def test_existing_agreements_and_plans_are_kept_both_ways(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara")
            _enrol_everyone(connection, membership_columns="")
            connection.execute(text(
                "INSERT INTO support_agreement (portfolio_id, agreed_on, "
                "supervision_arrangements, workload_reduction, protected_time, "
                "development_priorities, updated_at) SELECT id, '2026-09-08', 'Weekly', "
                "'Less', 'Fridays', '', '2026-09-08 09:00:00' FROM portfolio"))
            connection.execute(text(
                "INSERT INTO development_plan (portfolio_id, stage_code, agreed_on, goals, "
                "actions) SELECT id, 'beginning', '2026-09-08', 'Learn', '' FROM portfolio"))
        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            assert tuple(connection.execute(text(
                "SELECT revision, candidate_signed_at, assessor_signed_at, "
                "line_manager_signed_at FROM support_agreement")).one()) == (1, None, None, None)
            assert tuple(connection.execute(text(
                "SELECT goals, updated_at, reviewed_at, reviewed_by_id "
                "FROM development_plan")).one()) == ("Learn", None, None, None)
        assert "support_agreement_version" in inspect(db.engine).get_table_names()
        downgrade(revision=BEFORE)
        engine = inspect(db.engine)
        assert "support_agreement_version" not in engine.get_table_names()
        assert not {c["name"] for c in engine.get_columns("support_agreement")} & {
            "revision", "candidate_signed_at", "line_manager_signed_by_id"}
        assert not {c["name"] for c in engine.get_columns("development_plan")} & {
            "updated_at", "reviewed_at", "reviewed_by_id"}
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT supervision_arrangements FROM support_agreement")).scalar() == "Weekly"
            assert connection.execute(text(
                "SELECT goals FROM development_plan")).scalar() == "Learn"
        db.session.remove()
        db.engine.dispose()
