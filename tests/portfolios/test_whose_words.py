"""Portfolio pages speak to whoever reads them: the candidate reads "your portfolio", and
their assessor reads "Aisha Khan's portfolio", never "your" about someone else's work."""

import re
from datetime import date

import pytest

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.portfolios.models import ProtectedTimeRecord, SupervisionRecord
from tests import factories
from tests.conftest import page, sign_in
from tests.portfolios.conftest import make_portfolio
from tests.portfolios.sufficiency.test_sufficiency import (
    add_agreement,
    add_entry,
    add_stage_records,
)

START = date(2026, 1, 5)
NAME = "Aisha Khan"

# Every page of the portfolio that someone other than the candidate may read.
PAGES = ["", "/sufficiency", "/records", "/records/development-plans", "/records/supervision",
         "/records/protected-time", "/records/kss"]


@pytest.fixture
def people(org):
    """A portfolio with something in every part, and the candidate's assessor.

    The assessor also holds the candidate role: the records and sufficiency pages are open
    to candidates only for now, and a user holding both roles reads them as any assessor
    will, through the portfolio's own access check."""
    candidate = factories.user(org, roles=["candidate"], name=NAME)
    portfolio = make_portfolio(org, start=START, candidate=candidate)
    assessor = factories.user(org, roles=["assessor", "candidate"], name="Helen Shaw")
    assign(factories.user(org, roles=["programme_lead"]), candidate, assessor,
           AssignmentRole.ASSESSOR, START)
    add_agreement(portfolio)
    add_stage_records(portfolio, ["beginning"])
    add_entry(portfolio, "direct_observation", title="Observed visit")
    db.session.add(SupervisionRecord(portfolio_id=portfolio.id, held_on=START,
                                     supervisor_name="Sam", topics="Caseload"))
    db.session.add(ProtectedTimeRecord(portfolio_id=portfolio.id, taken_on=START,
                                       minutes=90, activity="Reading"))
    db.session.commit()
    return {"portfolio_id": portfolio.id, "candidate": candidate, "assessor": assessor}


def _main_text(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    soup = page(response)
    return re.sub(r"\s+", " ", soup.select_one("main").get_text(" ")) + " " + soup.title.string


@pytest.mark.parametrize("path", PAGES)
def test_an_assessor_never_reads_your_about_the_candidates_portfolio(client, people, path):
    sign_in(client, people["assessor"])
    text = _main_text(client, f"/portfolios/{people['portfolio_id']}{path}")
    assert not re.search(r"\byour?\b", text, re.IGNORECASE), \
        re.findall(r".{40}\byour?\b.{40}", text, re.IGNORECASE)


def test_the_assessor_reads_the_candidates_name_where_the_candidate_reads_your(client, people):
    url = f"/portfolios/{people['portfolio_id']}"
    sign_in(client, people["assessor"])
    soup = page(client.get(url))
    assert soup.h1.get_text(strip=True) == f"{NAME}'s portfolio"
    assert soup.select_one("caption").get_text(strip=True).startswith(f"{NAME}'s review points")
    assert f"How complete {NAME}'s portfolio is" in _main_text(client, url + "/sufficiency")
    records = page(client.get(url + "/records"))
    assert records.h1.get_text(strip=True) == f"{NAME}'s portfolio records"
    # Someone else's records are read, not changed: no links to forms that would refuse them.
    assert not records.find("a", string=re.compile("Change|Add"))
    supervision = page(client.get(url + "/records/supervision"))
    assert not supervision.find("a", string=re.compile("Add a supervision record|Change"))

    owner = client.application.test_client()
    sign_in(owner, people["candidate"])
    assert page(owner.get(url)).h1.get_text(strip=True) == "Your portfolio"
    assert "How complete your portfolio is" in _main_text(owner, url + "/sufficiency")
    assert page(owner.get(url + "/records")).h1.get_text(strip=True) == "Your portfolio records"
    assert page(owner.get(url + "/records/supervision")).find(
        "a", string="Add a supervision record")
