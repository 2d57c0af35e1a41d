"""Panel members read anonymised portfolios: until the chair reveals who the candidate is,
the names the portal knows are blanked out of the free text members read (the decision's
rationale and actions, on the agenda item page and on the decision page every member can
open from it)."""

from datetime import date, timedelta

import pytest

from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.panels import decisions
from tests import factories
from tests.conftest import page, sign_in

SOON = date.today() + timedelta(days=60)
CANDIDATE = "Priya Nair"
ASSESSOR = "Helen Shaw"  # the council fixture's assessor
LINE_MANAGER = "Tomasz Okafor"


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _named(item) -> None:
    item.portfolio.candidate.name = CANDIDATE
    db.session.commit()


def _decide(council, item, rationale: str, owners=(CANDIDATE, ASSESSOR)):
    """The chair records the decision with `rationale` and one action per owner."""
    decision = decisions.record_decision(
        council["chair"], item, item.version, decisions.DecisionDetails(
            code="approved-with-actions", rationale=rationale,
            domain_ids=[d.id for d in reports.pcf_domains(item.portfolio)[:2]],
            actions=[(f"Action {n}", owner, SOON) for n, owner in enumerate(owners, 1)]),
        date.today())
    db.session.commit()
    return decision


def _pages_a_member_reads(app, council, item, decision) -> list[str]:
    """The agenda item and the decision as a panel member sees them (both must open)."""
    member = _client(app, council["members"][0])
    texts = []
    for url in (f"/panels/{item.panel_id}/items/{item.id}", f"/decisions/{decision.id}"):
        response = member.get(url)
        assert response.status_code == 200, url
        texts.append(page(response).select_one("main").get_text(" ", strip=True))
    return texts


def test_a_member_does_not_read_the_candidates_or_assessors_name_before_it_is_revealed(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    _named(item)
    decision = _decide(council, item, "Priya showed consistent, reflective practice; "
                                      "Helen Shaw saw it at every observation.")

    for text in _pages_a_member_reads(app, council, item, decision):
        assert "showed consistent, reflective practice" in text
        assert item.reference in text  # the candidate's name is replaced by the reference
        for word in ("Priya", "Nair", "Helen", "Shaw"):
            assert word not in text

    # The names are there to blank: a programme lead, who is not on the panel, reads them.
    lead = _client(app, council["lead"]).get(f"/decisions/{decision.id}")
    lead_text = page(lead).select_one("main").get_text(" ", strip=True)
    assert "Priya showed" in lead_text and CANDIDATE in lead_text and ASSESSOR in lead_text


@pytest.mark.parametrize("written", ["Priya_Nair", "PriyaNair", "priya_nair_statement.pdf",
                                     "priya.nair@northshire.example.org", "PRIYA-NAIR"])
def test_a_member_does_not_read_the_candidates_name_however_it_is_written(
        app, council, panel_with_item, written):
    _panel, item = panel_with_item
    _named(item)
    decision = _decide(council, item, f"See {written} in the evidence.")

    for text in _pages_a_member_reads(app, council, item, decision):
        assert "in the evidence" in text
        assert "Priya" not in text and "priya" not in text


def test_a_member_does_not_read_the_line_managers_name_before_it_is_revealed(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    _named(item)
    manager = factories.user(council["org"], roles=["line_manager"], name=LINE_MANAGER)
    assign(council["lead"], item.portfolio.candidate, manager, AssignmentRole.LINE_MANAGER,
           date(2025, 9, 1))
    decision = _decide(council, item, "Tomasz Okafor protected time for reflection.",
                       owners=(LINE_MANAGER,))

    for text in _pages_a_member_reads(app, council, item, decision):
        assert "protected time for reflection" in text
        assert "Tomasz" not in text and "Okafor" not in text


def test_words_that_only_contain_a_name_are_left_alone(app, council, panel_with_item):
    _panel, item = panel_with_item
    _named(item)
    decision = _decide(council, item, "Work with the Nairobi diaspora group and Priyanka's "
                                      "family was thorough.")
    for text in _pages_a_member_reads(app, council, item, decision):
        assert "Nairobi diaspora group and Priyanka's family" in text
