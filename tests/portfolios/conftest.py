"""Fixtures for portfolio tests: a real programme installed from a shipped template."""

from datetime import date

import pytest

from portal.core.db import db
from portal.frameworks.queries import load_shipped_frameworks
from portal.panels.decisions import ensure_decision_codes
from portal.portfolios.operations import enrol
from portal.programmes.templates import install_template
from tests import factories


def make_portfolio(org, template: str = "asye-child-family", start: date = date(2026, 1, 5),
                   candidate=None):
    """Install `template` for `org`, enrol a candidate from `start`; returns the portfolio."""
    load_shipped_frameworks()
    programme = install_template(org, template)
    ensure_decision_codes(programme)
    cohort = factories.cohort(org, programme, start=start)
    candidate = candidate or factories.user(org, roles=["candidate"])
    portfolio = enrol(None, factories.membership(cohort, candidate, joined=start))
    db.session.flush()
    return portfolio


@pytest.fixture
def configured_portfolio(org):
    """An ASYE child and family portfolio starting 5 January 2026 (not committed)."""
    return make_portfolio(org)
