"""Elements are named with their framework ('PCF 1', 'KSS 1': both frameworks number from
1), and a placeholder title from the data files is never shown as if it were the title."""

from datetime import date

import pytest

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.frameworks.models import Framework, FrameworkElement, element_name, short_code
from portal.portfolios.models import PortfolioEntry
from tests import factories
from tests.conftest import page, sign_in
from tests.portfolios.conftest import make_portfolio

PLACEHOLDER = "title not confirmed"


def test_short_codes_and_names():
    assert short_code("pcf") == "PCF"
    assert short_code("kss-child-family") == "KSS" and short_code("kss-adults") == "KSS"
    assert element_name("1", "Professionalism") == "1 Professionalism"
    assert element_name("7", "Section 7 (title not confirmed)") == "7"


def _element(framework_code: str, code: str) -> FrameworkElement:
    return db.session.scalar(db.select(FrameworkElement).join(Framework).where(
        Framework.code == framework_code, FrameworkElement.code == code))


@pytest.fixture
def adults_candidate(client, org):
    """A candidate on the adults' ASYE (PCF and the adults' KSS, whose statement 7 has a
    placeholder title), with an entry linked to PCF 1, KSS 1 and KSS 7."""
    portfolio = make_portfolio(org, template="asye-adults", start=date(2026, 1, 5))
    candidate = portfolio.candidate
    entry = factories.evidence_entry(candidate, title="Carers assessment", links=[
        (_element("pcf", "1"), "Shows it"), (_element("kss-adults", "1"), "Shows it"),
        (_element("kss-adults", "7"), "Shows it")])
    db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
    db.session.commit()
    sign_in(client, candidate)
    return {"portfolio_id": portfolio.id, "entry_id": entry.id, "candidate": candidate}


def test_every_element_tag_names_its_framework(client, adults_candidate):
    tags = [tag.get_text(strip=True)
            for tag in page(client.get("/evidence/")).select("#evidence-results .govuk-tag")]
    assert "PCF 1 Professionalism" in tags
    assert "KSS 1 The role of social workers working with adults" in tags
    assert "KSS 7" in tags


def test_no_page_shows_a_placeholder_title_to_the_candidate(client, adults_candidate):
    portfolio_id = adults_candidate["portfolio_id"]
    urls = ["/evidence/", "/evidence/new", "/evidence/coverage",
            f"/evidence/{adults_candidate['entry_id']}",
            f"/portfolios/{portfolio_id}/sufficiency",
            f"/portfolios/{portfolio_id}/records/kss/beginning"]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert PLACEHOLDER not in response.get_data(as_text=True), url
    options = [option.get_text(strip=True)
               for option in page(client.get("/evidence/new")).select("#links-0-element_id option")]
    assert "KSS 7" in options and "PCF 1 Professionalism" in options


def test_an_assessor_accepts_evidence_of_a_named_element(client, org, adults_candidate):
    entry_id = adults_candidate["entry_id"]
    assessor = factories.user(org, roles=["assessor"])
    assign(factories.user(org, roles=["programme_lead"]), adults_candidate["candidate"],
           assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    reader = client.application.test_client()
    sign_in(reader, assessor)
    response = reader.get(f"/evidence/{entry_id}")
    choices = [label.get_text(strip=True)
               for label in page(response).select("input[name=element_id] + label")]
    assert sorted(choices) == ["KSS 1 The role of social workers working with adults", "KSS 7",
                               "PCF 1 Professionalism"]


def test_templates_name_snapshot_elements_without_placeholders(app):
    """A submitted snapshot keeps each link's code and title as text; pages name it with
    the same rule as everywhere else."""
    render = app.jinja_env.from_string("{{ code | element_name(title) }}").render
    assert render(code="7", title="Section 7 (title not confirmed)") == "7"
    assert render(code="1", title="Professionalism") == "1 Professionalism"


def test_a_placeholder_is_no_title_outside_the_administrators_pages():
    element = FrameworkElement(code="7", title="Section 7 (title not confirmed)")
    assert (element.name, element.shown_title) == ("7", "")
    assert FrameworkElement(code="1", title="Professionalism").shown_title == "Professionalism"
