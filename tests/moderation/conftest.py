"""Fixtures for moderation: a council with a chair, members, an assessor, a lead and two
external moderators, and decided agenda items with the outcome asked for."""

from datetime import date, timedelta

import pytest

from portal.assessment.reports import operations as reports
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.moderation import operations
from portal.packs.copies import operations as copies
from portal.panels import agenda, decisions
from tests import factories
from tests.panels.conftest import everyone_present, new_panel, ready_for_panel

DEFERRAL_DUE = date.today() + timedelta(days=60)


@pytest.fixture
def council(org):
    people = {
        "org": org,
        "lead": factories.user(org, roles=["programme_lead"], name="Grace Adeyemi"),
        "chair": factories.user(org, roles=["panel_chair", "panel_member"],
                                name="Margaret Doyle"),
        "members": [factories.user(org, roles=["panel_member"], name=f"Member {n}")
                    for n in range(2)],
        "assessor": factories.user(org, roles=["assessor"], name="Helen Shaw"),
        "moderators": [factories.user(org, roles=["external_moderator"], name=name)
                       for name in ("Ruth Ellis", "Tom Price")],
    }
    db.session.commit()
    return people


def decided_item(council, code: str = "approved", assessor=None):
    """A portfolio decided today by its own panel, with the outcome of `code`."""
    portfolio = ready_for_panel(council["org"], council["lead"],
                                assessor or council["assessor"])
    panel = new_panel(council, portfolio.programme_id)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    everyone_present(panel)
    details = decisions.DecisionDetails(
        code=code, rationale="Good.",
        domain_ids=[d.id for d in reports.pcf_domains(portfolio)[:2]],
        actions=[] if code == "approved" else [("More evidence", "Assessor", DEFERRAL_DUE)],
        evidence_due_on=DEFERRAL_DUE if code == "deferred" else None)
    decisions.record_decision(council["chair"], item, item.version, details,
                              today_in_england())
    db.session.flush()
    return item


def approve_copy(lead, item):
    """A lead of the candidate's council reviews (accepting every proposal) and approves
    the anonymised copy of the item's submission, as moderation requires."""
    copy = copies.start_copy(lead, item.snapshot)
    copies.decide(lead, copy, {d.id: ("accepted", None) for d in copy.decisions})
    copies.approve(lead, copy)
    db.session.flush()
    return copy


def round_details(council, **changes) -> operations.RoundDetails:
    today = today_in_england()
    details = operations.RoundDetails(
        title="ASYE external moderation", period_start=today - timedelta(days=30),
        period_end=today + timedelta(days=1), sample_percent=10,
        access_ends_on=today + timedelta(days=14),
        moderator_ids=[council["moderators"][0].id])
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def new_round(council, **changes):
    return operations.define_round(council["lead"], round_details(council, **changes))
