"""The demo council's finished cohorts give the retention report and the employment
records something to show: people past 12 and 24 months, some of whom left."""

from sqlalchemy import func, select

from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD, email_for
from portal.demo.seed import seed_demo
from portal.reports.models import LeavingRecord, TeamChange
from tests.conftest import page, sign_in


def test_the_demo_has_leavers_and_a_move_once(app):
    first = seed_demo()
    db.session.commit()
    assert first["past candidates"] == 7
    assert seed_demo()["past candidates"] == 0
    db.session.commit()
    assert db.session.scalar(select(func.count(LeavingRecord.id))) == 3
    assert db.session.scalar(select(func.count(TeamChange.id))) == 1


def test_the_demo_lead_sees_retention_by_entry_route(app, client):
    from portal.accounts.models import User

    seed_demo()
    db.session.commit()
    lead = db.session.scalar(select(User).where(User.email == email_for("lead")))
    sign_in(client, lead, password=DEMO_PASSWORD)
    soup = page(client.get("/workforce/retention"))
    shown = {row.select_one("th").get_text(): row.select_one("td").get_text()
             for row in soup.select(".portal-chart-table tbody tr")}
    assert shown["Step Up to Social Work"] == "3 of 4 (75%)"
    assert shown["University degree"] == "2 of 3 (67%)"
