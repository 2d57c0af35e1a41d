"""Issue 22's walk in a real browser: a programme lead builds a small programme (two review
points and a required part) on its pages, publishes it, starts a cohort on it and adds a
candidate; the candidate's evidence is linked to KSS 2018; the lead then moves the cohort
to a newer KSS version through the administrators' mapping, and the candidate's linked
evidence is still counted, under the new version. Axe checks each page."""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.frameworks.models import ElementMapping, Framework
from portal.portfolios.models import Portfolio, PortfolioEntry
from tests import factories
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser

NEW_CANDIDATE = "sam.newcomer@example.org"
KSS_2018 = ("Post-qualifying standard: knowledge and skills statement for child and family "
            "practitioners (2018)")


def _newer_kss_mapped_and_a_candidate(app) -> None:
    """A newer KSS version (active) mapped from KSS 2018's first statement, and a candidate
    in no cohort yet."""
    with app.app_context():
        old = db.session.scalar(select(Framework).where(
            Framework.code == "kss-child-family", Framework.version == "2018"))
        new = factories.framework("kss-child-family", "2027", elements=2,
                                  title="KSS child and family")
        db.session.add(ElementMapping(from_element_id=old.elements[0].id,
                                      to_element_id=new.elements[0].id, note="Same ground"))
        council = db.session.scalar(select(User).where(
            User.email == data.email_for("lead"))).organisation
        factories.user(council, name="Sam Newcomer", email=NEW_CANDIDATE)
        db.session.commit()


def _evidence_linked_to_kss_2018(app) -> None:
    with app.app_context():
        candidate = db.session.scalar(select(User).where(User.email == NEW_CANDIDATE))
        portfolio = db.session.scalar(select(Portfolio).where(
            Portfolio.candidate_id == candidate.id))
        old = next(f for f in portfolio.frameworks if f.code == "kss-child-family")
        entry = factories.evidence_entry(candidate, "Visit with the family", date(2026, 10, 1),
                                         links=[(old.elements[0], "Direct work")])
        db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
        db.session.commit()


def _portfolio_id(app) -> int:
    with app.app_context():
        candidate = db.session.scalar(select(User).where(User.email == NEW_CANDIDATE))
        return db.session.scalar(select(Portfolio.id).where(
            Portfolio.candidate_id == candidate.id))


def _add_row(page: Page, part: str, fields: dict[str, str], save: str) -> None:
    page.get_by_role("link", name=re.compile(f"Change.*{part}")).click()
    page.get_by_role("link", name=re.compile("^Add a ")).click()
    for label, value in fields.items():
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name=save).click()
    page.get_by_role("link", name="Back to the programme").click()


def _build_the_programme(page: Page) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Programmes").click()
    page.get_by_role("link", name=re.compile("Create a programme")).click()
    assert_no_axe_violations(page)
    page.get_by_label("Programme name").fill("Local ASYE 2027")
    page.get_by_role("radio", name="A blank programme").check()
    page.get_by_label("ASYE or early career programme").check()
    page.get_by_role("textbox", name=re.compile("^Length in months")).fill("12")
    page.get_by_role("button", name="Create programme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local ASYE 2027")
    assert_no_axe_violations(page)

    _add_row(page, "stages", {"Code": "year", "Title": "The year", "Starts at month": "0",
                              "Ends at month": "12"}, "Save stage")
    for code, title, month in (("three-month", "3-month review", "3"),
                               ("final", "Final review", "12")):
        _add_row(page, "review points", {"Code": code, "Title": title, "Month due": month},
                 "Save review point")
    page.get_by_role("link", name=re.compile("Change.*required parts")).click()
    page.get_by_role("link", name=re.compile("^Add a ")).click()
    assert_no_axe_violations(page)
    page.get_by_label("Code", exact=True).fill("observations")
    page.get_by_label("Title", exact=True).fill("Direct observations")
    page.get_by_label("At least how many").fill("3")
    page.locator("select").first.select_option(index=1)
    page.get_by_role("button", name="Save required part").click()
    page.get_by_role("link", name="Back to the programme").click()

    page.get_by_role("link", name=re.compile("Change.*frameworks")).click()
    page.get_by_label(re.compile(r"knowledge and skills statement.*\(2018\)")).check()
    page.get_by_role("button", name="Save frameworks").click()
    expect(page.locator(".govuk-summary-list")).to_contain_text("month 3")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Direct observations: at least 3")
    page.get_by_role("button", name=re.compile("Publish version 1")).click()
    assert_no_axe_violations(page)


def _start_a_cohort(page: Page) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Cohorts").click()
    page.get_by_role("link", name="Create a cohort").click()
    page.get_by_label("Cohort name").fill("Local ASYE September 2026")
    page.get_by_label("Programme").select_option(label="Local ASYE 2027")
    page.get_by_label("Day").fill("7")
    page.get_by_label("Month").fill("9")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("University degree").check()
    page.get_by_role("button", name="Save cohort").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Local ASYE September 2026")
    page.get_by_label("Candidate's email address").fill(NEW_CANDIDATE)
    page.get_by_role("button", name="Add to cohort").click()
    expect(page.locator("main")).to_contain_text("Sam Newcomer")
    assert_no_axe_violations(page)


def test_a_lead_builds_a_programme_and_moves_its_cohort_to_a_new_framework_version(
        page: Page, app, seeded_demo):
    _newer_kss_mapped_and_a_candidate(app)
    sign_in(page, data.email_for("lead"))
    expect(page).to_have_url(re.compile(r"/home$"))
    _build_the_programme(page)
    _start_a_cohort(page)
    _evidence_linked_to_kss_2018(app)

    page.get_by_role("link", name="Move to another framework version").click()
    page.get_by_label("Move from").select_option(label=f"{KSS_2018} [kss-child-family]")
    page.get_by_label("Move to").select_option(
        label="KSS child and family (2027) [kss-child-family]")
    page.get_by_role("button", name="Continue").click()
    assert_no_axe_violations(page)
    page.get_by_role("button", name=re.compile("Yes, move 1 portfolio")).click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "1 portfolio moved from")
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, NEW_CANDIDATE, factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/home$"))
    page.goto(f"/portfolios/{_portfolio_id(app)}/sufficiency")
    expect(page.get_by_role("heading", level=1)).to_have_text("How complete your portfolio is")
    assert_no_axe_violations(page)
    expect(page.locator("main")).to_contain_text(re.compile(
        r"before the move on \d{1,2} \w+ \d{4}: 1 entry, now also linked to KSS 1 Element 1"))
    page.get_by_text("Show the heat map as a table").click()
    new_version = page.get_by_role("table", name=re.compile(r"^KSS child and family \(2027\)"))
    counted = new_version.get_by_role("row", name=re.compile("KSS 1 Element 1"))
    expect(counted.get_by_role("cell").last).to_have_text("1")
