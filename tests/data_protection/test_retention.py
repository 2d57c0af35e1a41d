"""The daily retention run, with a moved clock: what is past its period goes (expired
links, old drafts, expired subject access zips and their files, people who left long
ago), what is not stays; one audit row per run with counts only; a repeat changes nothing."""

import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from portal.accounts.models import PasswordResetToken, User
from portal.assessment.models import FeedbackRequest
from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.core.storage import get_storage
from portal.data_protection import retention
from portal.data_protection.jobs import retention_tick
from portal.data_protection.models import SubjectAccessExport
from portal.evidence.models import EvidenceDraft
from portal.packs import operations as packs
from portal.packs.models import PortfolioPack
from portal.portfolios.models import Portfolio
from portal.reports.models import LeavingRecord
from tests import factories
from tests.data_protection.conftest import client_for


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _reset_link(user, expires_at: datetime, secret: str) -> None:
    db.session.add(PasswordResetToken(
        user_id=user.id, token_hash=hashlib.sha256(secret.encode()).hexdigest(),
        expires_at=expires_at))


def _runs() -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == retention.RUN_ACTION).order_by(AuditEvent.id)))


def _left(person, on: date) -> None:
    db.session.add(LeavingRecord(organisation_id=person.organisation_id,
                                 candidate_id=person.id, left_on=on, reason="resignation"))


def test_links_and_drafts_go_once_past_their_period(app, subject):
    now = utcnow()
    _reset_link(subject, now - timedelta(days=31), "old")
    _reset_link(subject, now - timedelta(days=29), "recent")
    db.session.add(EvidenceDraft(candidate_id=subject.id, draft_key="new", fields={},
                                 saved_at=now - timedelta(days=91)))
    db.session.commit()
    links_before = _count(FeedbackRequest)

    counts = retention.run(now + timedelta(days=0))
    db.session.commit()

    assert counts["password_resets"] == 1 and counts["evidence_drafts"] == 1
    assert _count(PasswordResetToken) == 2  # the recent one and the fixture's live one
    assert _count(EvidenceDraft) == 0
    assert _count(FeedbackRequest) == links_before  # the fixture's link is not expired
    later = retention.run(now + timedelta(days=61))  # the feedback link expired 31 days ago
    assert later["feedback_links"] == 1


def test_expired_subject_access_zips_leave_file_storage(app, subject, administrator):
    client_for(app, administrator).post(f"/admin/users/{subject.id}/subject-access")
    export = db.session.scalar(select(SubjectAccessExport))
    stored, ready_at = export.stored_name, export.ready_at
    assert get_storage().exists(stored)

    assert retention.run(ready_at + timedelta(days=6))["subject_access_exports"] == 0
    db.session.commit()
    assert get_storage().exists(stored)

    assert retention.run(ready_at + timedelta(days=7))["subject_access_exports"] == 1
    db.session.commit()
    assert not get_storage().exists(stored)
    assert _count(SubjectAccessExport) == 0


def test_people_are_erased_six_years_after_they_left(app, council, subject):
    stayed = factories.user(council["org"], name="Recent Leaver")
    _left(subject, date(2020, 3, 31))
    _left(stayed, date(2021, 6, 1))
    db.session.commit()

    counts = retention.run(datetime(2027, 1, 4, 2, tzinfo=utcnow().tzinfo))
    db.session.commit()

    assert counts["people_erased"] == 1
    db.session.expire_all()
    assert db.session.get(User, subject.id).erased_at is not None
    assert db.session.get(User, stayed.id).name == "Recent Leaver"
    erased = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
    assert erased.actor_id is None and erased.details["reason"] == "retention"


def test_someone_with_an_open_portfolio_is_left_for_an_administrator(app, panel_with_item):
    candidate = panel_with_item[1].portfolio.candidate
    _left(candidate, date(2010, 1, 1))
    db.session.commit()
    assert retention.run()["people_erased"] == 0
    assert db.session.get(User, candidate.id).erased_at is None


def test_old_audit_rows_go(app, subject):
    db.session.add(AuditEvent(action="user_created", object_type="user_account",
                              occurred_at=utcnow() - timedelta(days=7 * 366)))
    db.session.commit()
    assert retention.run()["audit_events"] == 1


def test_each_run_writes_one_audit_row_of_counts_and_a_repeat_changes_nothing(app, subject):
    _reset_link(subject, utcnow() - timedelta(days=40), "old")
    db.session.commit()

    first = retention.run()
    db.session.commit()
    second = retention.run()
    db.session.commit()

    assert first["password_resets"] == 1 and set(second.values()) == {0}
    runs = _runs()
    assert [run.details for run in runs] == [first, second]
    assert all(run.actor_id is None and run.object_type == "retention_run" for run in runs)
    assert all(isinstance(value, int) for value in runs[0].details.values())


def test_a_dry_run_counts_and_changes_nothing(app, subject):
    _reset_link(subject, utcnow() - timedelta(days=40), "old")
    db.session.commit()
    before = _count(PasswordResetToken)
    assert retention.run(dry_run=True)["password_resets"] == 1
    db.session.commit()
    assert _count(PasswordResetToken) == before and _runs() == []


def test_the_command_runs_the_schedule(app, subject):
    _reset_link(subject, utcnow() - timedelta(days=40), "old")
    db.session.commit()
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["retention", "run", "--dry-run"])
    assert "Due: 1 password reset links" in dry.output and _runs() == []
    done = runner.invoke(args=["retention", "run"])
    assert done.exit_code == 0 and "Removed: 1 password reset links" in done.output
    db.session.expire_all()
    assert len(_runs()) == 1


def test_the_hourly_tick_runs_the_schedule_at_the_set_hour(app, subject):
    app.config["RETENTION_HOUR"] = 2
    at_one = int(datetime(2027, 1, 4, 1, 0, tzinfo=utcnow().tzinfo).timestamp())
    retention_tick(timestamp=at_one)  # 01:00 in England in January
    assert _runs() == []
    retention_tick(timestamp=at_one + 3600)
    db.session.expire_all()
    assert len(_runs()) == 1


def _built_pack(subject) -> PortfolioPack:
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == subject.id))
    pack = packs.request_pack(subject, portfolio.current_snapshot)
    db.session.commit()
    packs.build_pack(pack_id=pack.id)  # what the job does
    db.session.refresh(pack)
    assert pack.stored_name and get_storage().exists(pack.stored_name)
    return pack


def test_portfolio_packs_and_their_files_go_after_their_period(app, subject):
    pack = _built_pack(subject)
    stored, asked = pack.stored_name, pack.requested_at
    assert retention.run(asked + timedelta(days=29))["portfolio_packs"] == 0
    db.session.commit()
    assert retention.run(asked + timedelta(days=30))["portfolio_packs"] == 1
    db.session.commit()
    assert _count(PortfolioPack) == 0
    assert not get_storage().exists(stored)


def test_erasure_takes_the_packs_of_their_submissions(app, subject, administrator):
    stored = _built_pack(subject).stored_name
    client_for(app, administrator).post(f"/admin/users/{subject.id}/erase")
    db.session.expire_all()
    assert _count(PortfolioPack) == 0
    assert not get_storage().exists(stored)
