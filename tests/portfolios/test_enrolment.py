"""Enrolling starts a portfolio pinned to the programme's frameworks, with dated reviews."""

from datetime import date

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.models import Framework
from portal.portfolios.models import Portfolio
from portal.portfolios.operations import enrol, record_schedule_change
from tests import factories
from tests.portfolios.conftest import make_portfolio


def test_review_points_are_dated_from_the_start(org):
    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    due = {p.code: p.due_on for p in portfolio.review_points}
    assert due == {
        "agreement": date(2026, 1, 5), "three-month": date(2026, 4, 5),
        "six-month": date(2026, 7, 5), "nine-month": date(2026, 10, 5),
        "final": date(2026, 12, 5),
    }
    assert [p.optional for p in portfolio.review_points] == [False, False, False, True, False]


def test_the_portfolio_is_pinned_to_the_framework_versions_it_started_on(org):
    portfolio = make_portfolio(org)
    pinned = {(f.code, f.version) for f in portfolio.frameworks}
    assert pinned == {("pcf", "2018"), ("kss-child-family", "2018")}
    # A new version arriving later (the 2027 standards) does not move this portfolio.
    newer = factories.framework(code="kss-child-family", version="2027")
    portfolio.programme.frameworks.append(newer)
    db.session.flush()
    db.session.expire(portfolio)
    assert {(f.code, f.version) for f in portfolio.frameworks} == pinned
    assert db.session.get(Framework, newer.id) is not None


def test_enrolling_twice_gives_the_same_portfolio(org):
    portfolio = make_portfolio(org)
    again = enrol(None, portfolio.membership)
    assert again.id == portfolio.id
    assert db.session.scalar(db.select(db.func.count(Portfolio.id))) == 1


def test_adding_a_candidate_to_a_cohort_starts_their_portfolio(client, org):
    from tests.conftest import sign_in

    portfolio = make_portfolio(org)
    lead = factories.user(org, roles=["programme_lead"])
    newcomer = factories.user(org, roles=["candidate"])
    sign_in(client, lead)
    response = client.post(f"/cohorts/{portfolio.membership.cohort_id}/candidates",
                           data={"candidate_email": newcomer.email})
    assert response.status_code == 303
    created = db.session.scalar(db.select(Portfolio).where(Portfolio.candidate_id == newcomer.id))
    assert created is not None and len(created.review_points) == 5
    assert "portfolio_created" in db.session.scalars(db.select(AuditEvent.action)).all()


def test_an_absence_moves_the_remaining_review_points_with_a_reason(org):
    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    lead = factories.user(org, roles=["programme_lead"])
    portfolio.review_points[0].completed_on = date(2026, 1, 5)
    record_schedule_change(lead, portfolio, "absence", 28, "Sickness absence in March")
    due = {p.code: p.due_on for p in portfolio.review_points}
    assert due["agreement"] == date(2026, 1, 5)
    assert due["three-month"] == date(2026, 5, 3)
    assert due["final"] == date(2027, 1, 2)
    record_schedule_change(lead, portfolio, "other", 2, "Bank holidays")
    assert {p.code: p.due_on for p in portfolio.review_points}["final"] == date(2027, 1, 4)
    events = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.action == "portfolio_schedule_changed").order_by(AuditEvent.id)).all()
    assert [e.details["days"] for e in events] == [28, 2]
    assert "Sickness" not in str([e.details for e in events])  # reasons stay out of the audit


def test_the_cohort_list_shows_each_portfolios_state_and_next_review(client, org):
    from tests.conftest import page, sign_in

    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    portfolio.review_points[0].completed_on = date(2026, 1, 9)  # the agreement is done
    lead = factories.user(org, roles=["programme_lead"])
    cohort_id = portfolio.membership.cohort_id
    db.session.commit()
    sign_in(client, lead)
    row = page(client.get(f"/cohorts/{cohort_id}")).select_one("tbody tr")
    cells = [cell.get_text(" ", strip=True) for cell in row.select("td")]
    assert cells[4] == "In progress"
    assert cells[5].startswith("5 April 2026")  # the three-month review, not the agreement
