"""The support-plan-agreement migration gives existing plans their state (closed when they
have a closing date, open otherwise) and empty objectives, keeps every plan, and its
downgrade takes the new columns away again, still keeping them."""

from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from portal import create_app
from portal.core.db import db
from tests.migrations.test_migrations import (  # noqa: F401 (a fixture)
    _council_with,
    _enrol_everyone,
    scratch_database_url,
)

BEFORE, AFTER = "8d2f4b6a1c93", "50c78bffc315"
NEW_COLUMNS = {"decision_id", "state", "objectives", "agreed_by_id", "agreed_on"}


def _plans(connection, closed_on: str | None) -> None:
    """A review report on the portfolio, and a plan it opened."""
    connection.execute(text(
        "INSERT INTO review_report (portfolio_id, review_point_code, state, summary, "
        "is_final, holistic_assessment, line_manager_comment, candidate_response, "
        "created_at) SELECT id, 'three-month', 'draft', '', FALSE, '', '', '', "
        "'2026-12-01 09:00:00' FROM portfolio"))
    connection.execute(text(
        "INSERT INTO support_plan (portfolio_id, report_id, opened_on, review_on, concerns, "
        "closed_on) SELECT portfolio_id, max(id), '2026-12-01', '2027-01-12', "
        "'1 Professionalism', :closed_on FROM review_report GROUP BY portfolio_id"),
        {"closed_on": closed_on})


def test_existing_plans_get_their_state_and_keep_through_the_downgrade(
        scratch_database_url):  # noqa: F811 (the fixture imported above)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": scratch_database_url})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as connection:
            _council_with(connection, "Cara")
            _enrol_everyone(connection, membership_columns="")
            _plans(connection, closed_on=None)
            _plans(connection, closed_on="2027-01-10")
        upgrade(revision=AFTER)
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT state, objectives, agreed_on, decision_id FROM support_plan "
                "ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [("open", "", None, None),
                                                ("closed", "", None, None)]
        downgrade(revision=BEFORE)
        columns = {c["name"] for c in inspect(db.engine).get_columns("support_plan")}
        assert not columns & NEW_COLUMNS
        with db.engine.connect() as connection:
            assert connection.execute(text(
                "SELECT count(*) FROM support_plan WHERE closed_on IS NOT NULL")).scalar() == 1
            assert connection.execute(text("SELECT count(*) FROM support_plan")).scalar() == 2
        db.session.remove()
        db.engine.dispose()
