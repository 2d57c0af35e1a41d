"""The audit trail records who did what, in the same transaction as the change."""

from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.db import db
from tests import factories


def test_record_writes_actor_object_and_organisation(app, org):
    actor = factories.user(org, roles=["administrator"])
    cohort = factories.cohort(org)
    audit.record(actor, "cohort_closed", cohort, reason_code="end_of_programme")
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert (event.actor_id, event.object_type, event.object_id, event.organisation_id) == (
        actor.id, "cohort", cohort.id, org.id)
    assert event.details == {"reason_code": "end_of_programme"}
    assert event.occurred_at.tzinfo is not None


def test_audit_rows_roll_back_with_the_change(app, org):
    actor = factories.user(org)
    db.session.commit()
    cohort = factories.cohort(org)
    audit.record(actor, "cohort_created", cohort)
    db.session.rollback()
    assert db.session.scalar(db.select(db.func.count()).select_from(AuditEvent)) == 0


def test_a_new_object_gets_its_id_before_it_is_audited(app, org):
    actor = factories.user(org)
    team = factories.team(org)
    db.session.add(team)
    audit.record(actor, "team_created", team)
    event = db.session.scalars(db.select(AuditEvent)).one()
    assert event.object_id == team.id is not None


def test_an_audit_row_follows_the_change_it_records(app, org):
    """Written straight to the table, the row still comes after the session's pending
    changes: the change it records is written first, in the same transaction."""
    from sqlalchemy import event

    actor = factories.user(org)
    cohort = factories.cohort(org)  # both flushed, nothing expired: no load to autoflush
    cohort.name = "January 2027"  # pending, not yet flushed
    written = []

    def listener(_connection, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith("SELECT"):
            written.append(statement.split()[0:3])

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        audit.record(actor, "cohort_renamed", cohort)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert [words[0] for words in written] == ["UPDATE", "INSERT"]
    assert written[1][:3] == ["INSERT", "INTO", "audit_event"]
