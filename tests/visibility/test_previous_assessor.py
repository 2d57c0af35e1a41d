"""A previous assessor reads (never changes) the work made before their reassignment, for
PREVIOUS_ASSESSOR_DAYS after it, and nothing after that."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from portal.assignments.models import Assignment
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.portfolios import operations as portfolio_operations
from portal.visibility import Kind, Relation, access, viewer
from tests import factories
from tests.conftest import sign_in
from tests.visibility.world import World

REASSIGNED_ON = date(2026, 11, 2)


def _reassigned(world: World, on: date = REASSIGNED_ON) -> None:
    """Move the previous assessor's reassignment to `on`."""
    row = db.session.scalar(select(Assignment).where(Assignment.staff_id == world.previous.id))
    row.started_on = min(row.started_on, on - timedelta(days=200))
    row.ended_on = on
    db.session.flush()


def _entry(world: World, written: datetime, title: str):
    entry = factories.evidence_entry(world.candidate, title=title)
    entry.created_at = written
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    return entry


@pytest.fixture
def world(org):
    return World(org)


def _client(app, person):
    client = app.test_client()
    sign_in(client, person)
    return client


def test_work_made_after_the_reassignment_is_not_theirs_to_read(app, world):
    _reassigned(world)
    before = _entry(world, datetime(2026, 11, 1, 12, tzinfo=UTC), "Before the change")
    after = _entry(world, datetime(2026, 11, 3, 9, tzinfo=UTC), "After the change")
    factories.supervision(world.portfolio, held_on=date(2026, 10, 20), topics="Earlier talk")
    factories.supervision(world.portfolio, held_on=date(2026, 11, 3), topics="Later talk")
    db.session.commit()
    client = _client(app, world.previous)

    assert client.get(f"/evidence/{before.id}").status_code == 200
    assert client.get(f"/evidence/{after.id}").status_code == 404
    overview = client.get(world.url()).get_data(as_text=True)
    assert "Before the change" in overview and "After the change" not in overview
    supervision = client.get(world.url("/records/supervision")).get_data(as_text=True)
    assert "Earlier talk" in supervision and "Later talk" not in supervision
    # The current assessor reads both.
    current = _client(app, world.assessor)
    assert current.get(f"/evidence/{after.id}").status_code == 200


def test_reading_ends_the_set_number_of_days_after_the_reassignment(app, world):
    today = today_in_england()
    written = datetime.combine(today - timedelta(days=120), datetime.min.time(), tzinfo=UTC)
    entry = _entry(world, written, "Early work")
    _reassigned(world, today - timedelta(days=90))
    db.session.commit()
    client = _client(app, world.previous)
    assert client.get(f"/evidence/{entry.id}").status_code == 200  # the 90th day

    _reassigned(world, today - timedelta(days=91))
    db.session.commit()
    assert client.get(f"/evidence/{entry.id}").status_code == 404
    assert client.get(world.url()).status_code == 404
    assert client.get(f"/assess/candidates/{world.candidate.id}").status_code == 404


def test_the_window_follows_the_calendar(app, world, monkeypatch):
    """The same assignment, read on a later day (the clock moved on)."""
    entry = _entry(world, datetime(2026, 10, 1, 12, tzinfo=UTC), "Early work")
    _reassigned(world)
    db.session.commit()
    client = _client(app, world.previous)
    monkeypatch.setattr(access, "today_in_england", lambda: REASSIGNED_ON + timedelta(days=90))
    assert client.get(f"/evidence/{entry.id}").status_code == 200
    monkeypatch.setattr(access, "today_in_england", lambda: REASSIGNED_ON + timedelta(days=91))
    assert client.get(f"/evidence/{entry.id}").status_code == 404


def test_the_number_of_days_is_a_setting(app, world, monkeypatch):
    _reassigned(world, today_in_england() - timedelta(days=20))
    db.session.commit()
    assert Relation.PREVIOUS_ASSESSOR in viewer(world.previous, world.candidate.id).relations
    monkeypatch.setitem(app.config, "PREVIOUS_ASSESSOR_DAYS", 10)
    assert viewer(world.previous, world.candidate.id).relations == frozenset()


def test_a_previous_assessor_changes_nothing(app, world):
    record = factories.supervision(world.portfolio)
    report = world.draft_report()
    db.session.commit()
    client = _client(app, world.previous)
    assert client.get(f"/reports/{report.id}").status_code == 200
    assert client.post(f"/reports/{report.id}", data={"summary": "Mine now"}).status_code == 404
    assert client.post(world.url(f"/records/supervision/{record.id}/delete")).status_code == 403
    assert db.session.get(type(record), record.id) is not None


def test_another_relation_is_not_cut_by_the_previous_assessors_date(world):
    """A previous assessor who is also a programme lead reads the later work as a lead."""
    seen_by = viewer(world.previous, world.candidate.id)
    later = seen_by.assessed_until + timedelta(days=1)
    assert not seen_by.can_read(Kind.EVIDENCE, later)
    as_lead = type(seen_by)(seen_by.user, seen_by.candidate_id,
                            seen_by.relations | {Relation.PROGRAMME_LEAD},
                            seen_by.assessed_until)
    assert as_lead.can_read(Kind.EVIDENCE, later)
    assert as_lead.audited(Kind.EVIDENCE, later)  # as a lead: audited
    assert not as_lead.audited(Kind.EVIDENCE, seen_by.assessed_until - timedelta(days=1))
    assert as_lead.made_before(Kind.EVIDENCE) is None
    assert seen_by.made_before(Kind.EVIDENCE) == seen_by.assessed_until + timedelta(days=1)
