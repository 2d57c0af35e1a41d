"""Each role sees a home page made for it."""

import pytest

from portal.core.db import db
from tests import factories
from tests.conftest import assert_no_duplicate_ids, count_queries, page, sign_in

SECTION_HEADINGS = {
    "candidate": "Your evidence",
    "assessor": "Your candidates",
    "line_manager": "Your candidates",
    "panel_member": "Your panels",
    "panel_chair": "Your panels",
    "programme_lead": "Open cohorts",
    "administrator": "Administration",
    "external_moderator": "Portfolios shared with you",
}


@pytest.mark.parametrize("role", SECTION_HEADINGS)
def test_home_page_for_each_role(client, org, role):
    sign_in(client, factories.user(org, roles=[role], name="Pat Example"))
    response = client.get("/home")
    soup = page(response)
    assert soup.h1.get_text(strip=True) == "Hello, Pat Example"
    headings = [h.get_text(strip=True) for h in soup.select("main h2")]
    assert SECTION_HEADINGS[role] in headings
    assert_no_duplicate_ids(soup)
    others = set(SECTION_HEADINGS.values()) - {SECTION_HEADINGS[role]}
    if role == "administrator":
        others -= {"Open cohorts"}
    assert not others & set(headings)


def test_someone_with_two_roles_sees_both(client, org):
    sign_in(client, factories.user(org, roles=["assessor", "panel_member"]))
    headings = [h.get_text(strip=True) for h in page(client.get("/home")).select("main h2")]
    assert {"Your candidates", "Your panels"} <= set(headings)


def test_a_candidate_sees_their_cohort(client, org):
    candidate = factories.user(org, roles=["candidate"])
    cohort = factories.cohort(org, name="ASYE adults March 2026")
    factories.membership(cohort, candidate)
    sign_in(client, candidate)
    body = client.get("/home").get_data(as_text=True)
    assert "ASYE adults March 2026" in body
    assert "7 September 2026" in body


def test_navigation_matches_the_roles(client, org):
    sign_in(client, factories.user(org, roles=["candidate"]))
    nav = [a.get_text(strip=True) for a in page(client.get("/home")).select(
        ".govuk-service-navigation__list a")]
    assert "Users" not in nav and "Cohorts" not in nav
    client.post("/sign-out")
    sign_in(client, factories.user(org, roles=["administrator"]))
    nav = [a.get_text(strip=True) for a in page(client.get("/home")).select(
        ".govuk-service-navigation__list a")]
    assert {"Home", "Cohorts", "Users"} <= set(nav)


def test_the_header_shows_the_council_not_the_crown(client, org):
    sign_in(client, factories.user(org))
    soup = page(client.get("/home"))
    assert soup.select_one(".govuk-generic-header").get_text(strip=True) == org.name
    assert soup.select_one(".govuk-header__logotype") is None
    assert "Crown copyright" not in str(soup)


def test_the_lead_home_page_has_bounded_queries(client, org):
    lead = factories.user(org, roles=["programme_lead", "administrator"])
    sign_in(client, lead)
    cohort = factories.cohort(org)
    db.session.commit()
    with count_queries() as before:
        client.get("/home")
    for _ in range(15):
        c = factories.cohort(org, cohort.programme)
        factories.membership(c, factories.user(org))
    db.session.commit()
    with count_queries() as after:
        client.get("/home")
    assert len(after) == len(before)


def test_the_root_sends_you_to_the_right_place(client, org):
    assert client.get("/").headers["Location"] == "/sign-in"
    sign_in(client, factories.user(org))
    assert client.get("/").headers["Location"] == "/home"


def test_a_candidate_sees_overdue_and_coming_review_points(client, org):
    from datetime import date

    from tests.portfolios.conftest import make_portfolio

    portfolio = make_portfolio(org, start=date(2026, 1, 5))
    sign_in(client, portfolio.candidate)
    soup = page(client.get("/home"))
    rows = [[c.get_text(" ", strip=True) for c in tr.select("td")]
            for tr in soup.select("#your-reviews ~ table tbody tr")]
    assert rows[0][0] == "Support and assessment agreement"
    assert rows[0][2] == "Overdue"
    assert len(rows) == 4
