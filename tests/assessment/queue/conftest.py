"""Caseloads for the work queue tests: one council's programme, cohort and staff, and
reading the queue page's rows."""

from datetime import UTC, datetime, timedelta

import pytest

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.frameworks.queries import load_shipped_frameworks
from portal.portfolios.models import PortfolioEntry
from portal.portfolios.operations import enrol
from portal.programmes.templates import install_template
from tests import factories
from tests.conftest import page, sign_in


class Council:
    """One council's programme, cohort and staff, for building caseloads quickly."""

    def __init__(self, org):
        load_shipped_frameworks()
        self.org = org
        self.programme = install_template(org, "asye-child-family")
        self.cohort = factories.cohort(org, self.programme, start=today_in_england())
        self.lead = factories.user(org, roles=["programme_lead"])

    def candidate(self, staff, name=None, role=AssignmentRole.ASSESSOR, entries=0):
        """A candidate with a portfolio assigned to `staff`; returns (candidate, portfolio)."""
        person = factories.user(self.org, roles=["candidate"], name=name)
        portfolio = enrol(None, factories.membership(self.cohort, person,
                                                     joined=today_in_england()))
        assign(self.lead, person, staff, role, today_in_england())
        for n in range(entries):
            self.include(portfolio, factories.evidence_entry(person, title=f"Entry {n}"))
        return person, portfolio

    @staticmethod
    def include(portfolio, entry, added_at=None):
        item = PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id,
                              added_at=added_at or datetime.now(UTC))
        db.session.add(item)
        db.session.flush()
        return item


@pytest.fixture
def council(org):
    return Council(org)


@pytest.fixture
def assessor(client, org):
    user = factories.user(org, roles=["assessor"], name="Asha Assessor")
    return user


def queue_rows(response):
    soup = page(response)
    return [
        {"kind": row["data-kind"],
         "candidate": row.select("td")[0].get_text(strip=True),
         "needed": row.select("td")[1].get_text(" ", strip=True),
         "due": row.select("td")[2].get_text(" ", strip=True),
         "href": row.select("td")[3].select_one("a")["href"]}
        for row in soup.select("#queue-results tbody tr")
    ]


def open_queue(client, user, query=""):
    sign_in(client, user)
    response = client.get(f"/assess/{query}")
    assert response.status_code == 200
    return response


def nothing_but_review_points(portfolio):
    """Push every review point beyond the queue's four-week window."""
    for point in portfolio.review_points:
        point.due_on = today_in_england() + timedelta(days=200)
