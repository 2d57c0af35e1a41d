"""The demo data loads, is realistic enough to try every role, and never duplicates."""

from sqlalchemy import func, select

from portal.accounts.models import User
from portal.accounts.roles import Role
from portal.core.db import db
from portal.demo.data import DEMO_PASSWORD, PEOPLE, email_for
from portal.demo.partnership_data import PARTNER_PEOPLE, partner_email
from portal.demo.seed import seed_demo
from portal.organisations.models import Cohort, CohortMembership, Organisation, Team
from portal.partnerships.models import Partnership
from tests.conftest import sign_in


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model))
            for model in (Organisation, Team, Cohort, User, CohortMembership)}


def test_seed_twice_does_not_duplicate(app):
    first = seed_demo()
    db.session.commit()
    counts = _counts()
    second = seed_demo()
    db.session.commit()
    assert sum(first.values()) > 0
    assert sum(second.values()) == 0
    assert _counts() == counts


def test_the_demo_has_every_role_and_varied_cohorts(app):
    seed_demo()
    db.session.commit()
    roles = set()
    for user in db.session.scalars(select(User)):
        roles |= user.roles
    assert roles == set(Role)
    cohorts = db.session.scalars(select(Cohort)).all()
    assert len({c.entry_route for c in cohorts}) >= 2
    assert len({c.start_date for c in cohorts}) >= 2


def test_every_demo_account_can_sign_in(app, client):
    seed_demo()
    db.session.commit()
    for _name, local, _roles, _team in PEOPLE:
        user = db.session.scalar(select(User).where(User.email == email_for(local)))
        sign_in(client, user, password=DEMO_PASSWORD)
        assert client.get("/home").status_code == 200
        client.post("/sign-out")


def test_the_command_reports_what_it_did(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "Demo data: added" in result.output
    assert "admin@" in result.output
    again = runner.invoke(args=["seed-demo"])
    assert "already loaded" in again.output


def test_the_demo_programmes_use_the_shipped_frameworks(app):
    from portal.frameworks.models import Framework
    from portal.programmes.models import Programme

    first = seed_demo()
    db.session.commit()
    assert first["frameworks"] == 4
    seed_demo()
    db.session.commit()
    used = {
        programme.code: sorted(f"{f.code} {f.version}" for f in programme.frameworks)
        for programme in db.session.scalars(select(Programme))
    }
    assert used == {
        "asye-child-family": ["kss-child-family 2018", "pcf 2018"],
        "asye-adults": ["kss-adults 2015", "pcf 2018"],
        "epd": ["pcf 2018"],
        "progression-senior": ["pcf 2018"],
    }
    # The four include the early career standards' place (a draft with no elements).
    assert db.session.scalar(select(func.count()).select_from(Framework)) == 4


def test_the_demo_has_a_portfolio_waiting_on_a_panel(app):
    from portal.panels.models import AgendaItem
    from portal.portfolios.models import Portfolio

    seed_demo()
    db.session.commit()
    item = db.session.scalar(select(AgendaItem))
    assert item.state == "waiting"
    assert db.session.get(Portfolio, item.portfolio_id).state == "at_panel"
    assert item.panel.chair.email == email_for("chair")


def test_the_lead_home_shows_a_demo_candidate_behind_and_one_with_concerns(app):
    from portal.core.dates import today_in_england
    from portal.home.lead.dashboard import lead_dashboard
    from portal.home.lead.status_rules import Status

    seed_demo()
    db.session.commit()
    council = db.session.scalar(select(Organisation))
    board = lead_dashboard(council.id, today_in_england())
    statuses = {c.name: c.assessment for c in board.needing_attention}
    assert statuses["Jordan Price"].status == Status.BEHIND
    assert statuses["Tom Fletcher"].status == Status.CONCERNS
    assert ("Latest review: 6 Critical Reflection and Analysis not on track"
            in statuses["Tom Fletcher"].reasons)
    assert seed_demo()["demo concerns"] == 0  # once only


def test_the_demo_council_is_in_a_partnership_that_shares_both_ways(app, client):
    seed_demo()
    db.session.commit()
    partnership = db.session.scalar(select(Partnership))
    assert [c.name for c in partnership.councils] == ["Eastvale Borough Council",
                                                      "Northshire County Council"]
    givers = {grant.granting.name for grant in partnership.grants}
    assert givers == {"Eastvale Borough Council", "Northshire County Council"}
    for _name, local, _role in PARTNER_PEOPLE:
        user = db.session.scalar(select(User).where(User.email == partner_email(local)))
        sign_in(client, user, password=DEMO_PASSWORD)
        assert client.get("/home").status_code == 200
        client.post("/sign-out")
    lead = db.session.scalar(select(User).where(User.email == email_for("lead")))
    sign_in(client, lead, password=DEMO_PASSWORD)
    # The partner's panel member can be asked to sit on the demo council's panels.
    assert "Ola Bankole (Eastvale Borough Council)" in client.get("/panels/new").text
    assert "Eastvale Borough Council" in client.get(
        f"/partnerships/{partnership.id}/report").text
