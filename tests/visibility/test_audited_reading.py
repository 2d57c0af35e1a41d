"""Each time anyone other than the candidate and their assessors opens a reflection (the
entry, a snapshot holding it, or a file attached to it), an audit row says who and when."""

from sqlalchemy import select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.portfolios import operations as portfolio_operations
from tests import factories
from tests.conftest import sign_in
from tests.visibility.world import MARKER, World


def _readings():
    return db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("%_read"))
        .order_by(AuditEvent.id)).all()


def _reflection(world):
    entry = factories.evidence_entry(world.candidate, reflection=MARKER)
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    return entry


def test_a_programme_lead_opening_a_reflection_leaves_a_row_each_time(app, org):
    world = World(org)
    entry = _reflection(world)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.lead)
    for _ in range(2):
        assert MARKER in client.get(f"/evidence/{entry.id}").get_data(as_text=True)
    rows = _readings()
    assert [(r.action, r.actor_id, r.object_type, r.object_id) for r in rows] == [
        ("reflection_read", world.lead.id, "evidence_entry", entry.id)] * 2
    assert rows[0].details == {"candidate_id": world.candidate.id}
    assert rows[0].occurred_at is not None and rows[0].organisation_id == org.id


def test_the_candidate_and_their_assessors_read_without_a_row(app, org):
    world = World(org)
    entry = _reflection(world)
    db.session.commit()
    for person in (world.candidate, world.assessor, world.previous):
        client = app.test_client()
        sign_in(client, person)
        assert client.get(f"/evidence/{entry.id}").status_code == 200
    assert _readings() == []


def test_a_refused_reading_leaves_no_row(app, org):
    world = World(org)
    entry = _reflection(world)
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.manager)
    assert client.get(f"/evidence/{entry.id}").status_code == 404
    assert _readings() == []


def test_a_lead_opening_a_submission_or_a_file_is_audited(app, org):
    world = World(org)
    entry = _reflection(world)
    file = factories.attachment(entry)
    frozen = world.submit()
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.lead)
    assert client.get(world.url(f"/snapshots/{frozen.id}")).status_code == 200
    assert client.get(f"/evidence/{entry.id}/attachments/{file.id}").status_code == 200
    assert [(r.action, r.object_type, r.object_id) for r in _readings()] == [
        ("snapshot_read", "portfolio_snapshot", frozen.id),
        ("attachment_read", "attachment", file.id)]


def test_a_panel_member_opening_the_snapshot_and_its_files_is_audited(app, org):
    world = World(org)
    entry = _reflection(world)
    file = factories.attachment(entry)
    item = world.to_panel()
    db.session.commit()
    client = app.test_client()
    sign_in(client, world.member)
    assert MARKER in client.get(world.panel_url()).get_data(as_text=True)
    assert client.get(world.panel_url("/files/1")).status_code == 200
    assert [(r.action, r.actor_id, r.object_id) for r in _readings()] == [
        ("snapshot_read", world.member.id, item.snapshot_id),
        ("attachment_read", world.member.id, file.id)]
