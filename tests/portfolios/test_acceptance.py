"""Accepted evidence on the sufficiency page and the snapshot: accepted, not yet accepted,
and "changed since accepted" when the candidate edits an entry after its acceptance."""

from datetime import date, timedelta

import pytest

from portal.accounts.roles import Role
from portal.assessment.feedback import operations as feedback
from portal.assessment.models import FeedbackKind
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.portfolios import operations
from portal.portfolios.acceptance import acceptance_of, portfolio_acceptance
from portal.portfolios.models import PortfolioEntry
from tests import factories
from tests.conftest import page, sign_in
from tests.portfolios.conftest import make_portfolio


@pytest.fixture
def people(org, app):
    """A portfolio holding two entries, and the candidate's assessor."""
    portfolio = make_portfolio(org)
    candidate = portfolio.candidate
    lead = factories.user(org, roles=[Role.PROGRAMME_LEAD])
    assessor = factories.user(org, roles=[Role.ASSESSOR])
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    element = portfolio.frameworks[0].elements[0]
    accepted = factories.evidence_entry(candidate, title="Home visit",
                                        links=[(element, "Shows values")])
    waiting = factories.evidence_entry(candidate, title="Team meeting",
                                       links=[(element, "Shows values")])
    for entry in (accepted, waiting):
        db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id))
    message = feedback.add_message(assessor, accepted, "Good evidence", FeedbackKind.ACCEPTED,
                                   element.id)
    # Written two minutes ago and accepted one minute ago, so an edit now is plainly later.
    db.session.refresh(accepted)
    accepted.updated_at -= timedelta(minutes=2)
    message.created_at -= timedelta(minutes=1)
    db.session.flush()
    return {"portfolio": portfolio, "candidate": candidate, "assessor": assessor,
            "accepted": accepted, "waiting": waiting, "element": element}


def _statuses(portfolio):
    return {item.title: (item.acceptance.accepted, item.acceptance.changed_since_accepted)
            for item in portfolio_acceptance(portfolio)}


def test_accepted_and_not_yet_accepted(people):
    assert _statuses(people["portfolio"]) == {"Home visit": (True, False),
                                              "Team meeting": (False, False)}


def test_editing_an_accepted_entry_marks_it_changed_since_accepted(people):
    people["accepted"].reflection = "Added what the child said."
    db.session.flush()
    assert _statuses(people["portfolio"])["Home visit"] == (True, True)
    # Accepting it again clears the mark.
    feedback.add_message(people["assessor"], people["accepted"], "Still good",
                         FeedbackKind.ACCEPTED, people["element"].id)
    db.session.flush()
    assert _statuses(people["portfolio"])["Home visit"] == (True, False)


def test_asking_for_more_after_accepting_withdraws_the_acceptance(people):
    feedback.add_message(people["assessor"], people["accepted"], "More please",
                         FeedbackKind.MORE_NEEDED)
    db.session.flush()
    assert _statuses(people["portfolio"])["Home visit"] == (False, False)


def test_a_candidates_reply_leaves_the_acceptance_alone(people):
    feedback.add_message(people["candidate"], people["accepted"], "Thanks")
    db.session.flush()
    assert acceptance_of([people["accepted"].id])[people["accepted"].id].accepted


def test_the_sufficiency_page_shows_acceptance(client, people):
    people["accepted"].title = "Home visit (edited)"
    sign_in(client, people["candidate"])
    soup = page(client.get(f"/portfolios/{people['portfolio'].id}/sufficiency"))
    rows = {row.th.get_text(strip=True): row.td.get_text(" ", strip=True)
            for row in soup.select("#accepted-evidence tbody tr")}
    assert rows["Home visit (edited)"].startswith("Changed since accepted")
    assert rows["Team meeting"] == "Not yet accepted"


def test_the_snapshot_shows_acceptance_to_the_assessor(client, people):
    portfolio = people["portfolio"]
    snapshot = operations.submit_for_review_point(people["candidate"], portfolio,
                                                  "three-month", [])
    sign_in(client, people["assessor"])
    soup = page(client.get(f"/portfolios/{portfolio.id}/snapshots/{snapshot.id}"))
    tags = {entry.h3.get_text(strip=True): entry.select_one(".govuk-tag").get_text(strip=True)
            for entry in soup.select(".portal-entry")}
    assert tags == {"Home visit": "Accepted", "Team meeting": "Not yet accepted"}
