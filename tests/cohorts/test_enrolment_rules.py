"""Cohorts and confirmations (issue 18): a candidate has one open portfolio at a time, and
removing someone from a cohort asks first."""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.cohorts import operations
from portal.core.db import db
from portal.organisations.models import Cohort, CohortMembership
from portal.portfolios import operations as portfolios
from portal.portfolios.models import Portfolio, PortfolioState
from tests import factories
from tests.conftest import error_summary, page, sign_in


@pytest.fixture
def lead(client, org):
    user = factories.user(org, roles=["programme_lead"])
    sign_in(client, user)
    return user


def _memberships(candidate_id: int) -> int:
    return db.session.scalar(select(func.count(CohortMembership.id)).where(
        CohortMembership.candidate_id == candidate_id))


def _enrolled(org, lead, candidate, cohort_name: str):
    cohort = factories.cohort(org, name=cohort_name)
    membership = operations.add_candidate(lead, cohort, candidate, date(2026, 9, 7))
    return db.session.scalar(select(Portfolio).where(Portfolio.membership_id == membership.id))


@pytest.mark.parametrize("state", ["draft", "submitted_for_panel", "returned"])
def test_a_candidate_with_an_open_portfolio_elsewhere_is_refused_and_told_where(
        client, org, lead, state):
    candidate = factories.user(org, name="Amara Okafor")
    portfolio = _enrolled(org, lead, candidate, "ASYE September 2026")
    if state != "draft":
        portfolios.submit_for_panel(candidate, portfolio, [])
        portfolio.state = state
    other = factories.cohort(org, name="ASYE March 2027")
    db.session.commit()
    response = client.post(f"/cohorts/{other.id}/candidates",
                           data={"candidate_email": candidate.email})
    assert response.status_code == 400
    [message] = error_summary(page(response))
    assert message.startswith("Amara Okafor already has a portfolio in progress in the "
                              "cohort ‘ASYE September 2026’ (Programme ")
    assert "add them here once that one has been decided" in message
    assert _memberships(candidate.id) == 1


def test_a_decided_portfolio_elsewhere_does_not_stop_a_new_one(client, org, lead):
    candidate = factories.user(org)
    portfolio = _enrolled(org, lead, candidate, "ASYE 2025")
    portfolios.submit_for_panel(candidate, portfolio, [])
    portfolio.state = PortfolioState.DECIDED.value
    next_programme = factories.cohort(org, name="Progression 2026")
    db.session.commit()
    response = client.post(f"/cohorts/{next_programme.id}/candidates",
                           data={"candidate_email": candidate.email})
    assert response.status_code == 303
    assert _memberships(candidate.id) == 2


def test_two_cohorts_adding_the_same_candidate_at_once_give_one_open_portfolio(app, org):
    """Each add checks for an open portfolio elsewhere before making its own; the row lock
    on the candidate makes the second wait and then see the first's."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks are exercised on PostgreSQL (SQLite locks the whole file)")
    lead = factories.user(org, roles=["programme_lead"])
    candidate = factories.user(org)
    cohort_ids = [factories.cohort(org).id for _ in range(2)]
    db.session.commit()
    ids = (lead.id, candidate.id)
    db.session.remove()
    both_ready = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []

    def add(cohort_id):
        with app.app_context():
            try:
                actor, person = (db.session.get(User, i) for i in ids)
                cohort = db.session.get(Cohort, cohort_id)
                both_ready.wait()
                operations.add_candidate(actor, cohort, person, date(2026, 9, 7))
                db.session.commit()
                outcomes.append("added")
            except operations.CohortError:
                db.session.rollback()
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=add, args=(cohort_id,)) for cohort_id in cohort_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(outcomes) == ["added", "refused"]
    db.session.expire_all()
    assert _memberships(candidate.id) == 1


# Removal asks first -----------------------------------------------------------------------
def _member(org, lead, name="Amara Okafor"):
    candidate = factories.user(org, name=name)
    cohort = factories.cohort(org, name="ASYE September 2026")
    membership = operations.add_candidate(lead, cohort, candidate, date(2026, 9, 7))
    db.session.commit()
    return cohort, membership


def test_the_cohort_list_links_to_a_confirmation_page_instead_of_removing(client, org, lead):
    cohort, membership = _member(org, lead)
    soup = page(client.get(f"/cohorts/{cohort.id}"))
    url = f"/cohorts/{cohort.id}/candidates/{membership.id}/remove"
    assert soup.find("a", href=url) is not None
    assert soup.find("form", action=url) is None


def test_the_confirmation_page_says_what_will_happen_and_changes_nothing(client, org, lead):
    cohort, membership = _member(org, lead)
    url = f"/cohorts/{cohort.id}/candidates/{membership.id}/remove"
    response = client.get(url)
    assert response.status_code == 200
    soup = page(response)
    assert soup.h1.get_text(strip=True) == ("Are you sure you want to remove Amara Okafor "
                                            "from ASYE September 2026?")
    text = soup.get_text(" ", strip=True)
    assert "Their portfolio for this cohort will be deleted" in text
    assert "You cannot undo this." in text
    form = soup.find("form", action=url)
    assert form["method"] == "post" and form.select_one("input[name=csrf_token]")
    assert form.button.get_text(strip=True) == "Yes, remove them"
    assert form.find("a", href=f"/cohorts/{cohort.id}") is not None
    assert _memberships(membership.candidate_id) == 1


def test_confirming_removes_and_needs_the_csrf_token(client, org, lead):
    cohort, membership = _member(org, lead)
    url = f"/cohorts/{cohort.id}/candidates/{membership.id}/remove"
    assert client.post(url, csrf=False).status_code == 400
    assert _memberships(membership.candidate_id) == 1
    assert client.post(url).status_code == 303
    assert _memberships(membership.candidate_id) == 0


def test_another_cohorts_member_has_no_confirmation_page(client, org, lead):
    _cohort, membership = _member(org, lead)
    other = factories.cohort(org)
    db.session.commit()
    assert client.get(f"/cohorts/{other.id}/candidates/{membership.id}/remove"
                      ).status_code == 404
    foreign = factories.cohort(factories.organisation())
    db.session.commit()
    assert client.get(f"/cohorts/{foreign.id}/candidates/{membership.id}/remove"
                      ).status_code == 404
