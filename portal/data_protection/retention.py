"""The retention schedule and the daily run that applies it.

Each kind of record has a period (a setting; docs/data-protection.md says why each
default) and a rule that finds what is past it. The run deletes what is due (and erases
people whose period after leaving has ended), then writes one audit row with the counts:
numbers only, never who or what.

Safe to repeat and to run twice at once: on PostgreSQL two runs take turns on a
transaction lock, so the second finds nothing left to do; every rule is a condition on
dates, so running again the same day changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, delete, func, or_, select, text

from portal.accounts.invitations import Invitation
from portal.accounts.models import PasswordResetToken, User
from portal.assessment.models import FeedbackRequest
from portal.core import audit
from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.core.once import KEEP_FOR, FormSubmission
from portal.data_protection import erasure
from portal.data_protection.models import ExportState, SubjectAccessExport
from portal.evidence.attachments import delete_after_commit
from portal.evidence.models import EvidenceDraft
from portal.moderation.models import ModerationSample
from portal.notifications.email_models import EmailState, OutgoingEmail
from portal.notifications.models import Notification
from portal.packs.models import PortfolioPack
from portal.reports.models import LeavingRecord

# Any fixed number: it names the lock that lets one run at a time through.
RUN_LOCK = 190_024
RUN_ACTION = "retention.run"


@dataclass(frozen=True)
class Rule:
    """One line of the schedule: `apply(now, config, dry_run)` finds (and, unless a dry
    run, removes) what is due on `now`, and returns how many."""

    kind: str
    records: str
    kept_for: Callable[[dict], str]
    reason: str
    apply: Callable[[datetime, dict, bool], int]


class RetentionRun:
    """What a run's audit row points at: the schedule, not a row of a table."""

    __tablename__ = "retention_run"
    id = None
    organisation_id = None


def years_before(day: date, years: int) -> date:
    """The same day `years` earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _rows(model: type, condition: ColumnElement[bool], dry_run: bool) -> int:
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(model).where(condition))
    return db.session.execute(delete(model).where(condition)
                              .execution_options(synchronize_session=False)).rowcount


def _days(config: dict, key: str) -> timedelta:
    return timedelta(days=config[key])


def people_due(now: datetime, config: dict) -> list[User]:
    """People who left more than RETENTION_AFTER_LEAVING_YEARS ago and are not erased."""
    left_before = years_before(now.date(), config["RETENTION_AFTER_LEAVING_YEARS"])
    return list(db.session.scalars(
        select(User).join(LeavingRecord, LeavingRecord.candidate_id == User.id)
        .where(LeavingRecord.left_on < left_before, User.erased_at.is_(None))
        .order_by(User.id)))


def _erase_people(now: datetime, config: dict, dry_run: bool) -> int:
    """Someone whose portfolio is somehow still open is left for an administrator to
    resolve (the erasure page says why), never erased half-way."""
    erased = 0
    for person in people_due(now, config):
        if erasure.refusal(person) is not None:
            continue
        if not dry_run:
            erasure.erase(None, person, reason="retention")
        erased += 1
    return erased


def _rows_and_files(model: type, condition: ColumnElement[bool], dry_run: bool) -> int:
    """Delete rows whose `stored_name` names a file in storage, and the files after the
    commit."""
    if not dry_run:
        for stored_name in db.session.scalars(select(model.stored_name).where(
                condition, model.stored_name.isnot(None))):
            delete_after_commit(stored_name)
    return _rows(model, condition, dry_run)


def _expired_exports(now: datetime, config: dict, dry_run: bool) -> int:
    cutoff = now - _days(config, "SUBJECT_ACCESS_DAYS")
    condition = or_(
        (SubjectAccessExport.state == ExportState.READY) & (SubjectAccessExport.ready_at <= cutoff),
        (SubjectAccessExport.state != ExportState.READY)
        & (SubjectAccessExport.requested_at <= cutoff))
    return _rows_and_files(SubjectAccessExport, condition, dry_run)


def _old_packs(now: datetime, config: dict, dry_run: bool) -> int:
    """A pack shared with a moderation round stays as long as the round keeps it."""
    cutoff = now - _days(config, "RETENTION_PACK_DAYS")
    shared = select(ModerationSample.pack_id).where(ModerationSample.pack_id.isnot(None))
    return _rows_and_files(PortfolioPack, (PortfolioPack.requested_at <= cutoff)
                           & PortfolioPack.id.not_in(shared), dry_run)


def _spent(model: type) -> Callable[[datetime, dict, bool], int]:
    def apply(now: datetime, config: dict, dry_run: bool) -> int:
        return _rows(model, model.expires_at < now - _days(config, "RETENTION_LINK_DAYS"),
                     dry_run)
    return apply


def _spent_feedback_links(now: datetime, config: dict, dry_run: bool) -> int:
    """A link that was answered stays: it says where the evidence entry came from."""
    cutoff = now - _days(config, "RETENTION_LINK_DAYS")
    return _rows(FeedbackRequest, FeedbackRequest.entry_id.is_(None) & or_(
        FeedbackRequest.expires_at < cutoff, FeedbackRequest.cancelled_at < cutoff), dry_run)


def _old_drafts(now: datetime, config: dict, dry_run: bool) -> int:
    return _rows(EvidenceDraft,
                 EvidenceDraft.saved_at < now - _days(config, "RETENTION_DRAFT_DAYS"), dry_run)


def _old_notifications(now: datetime, config: dict, dry_run: bool) -> int:
    return _rows(Notification,
                 Notification.created_at < now - _days(config, "RETENTION_NOTICE_DAYS"),
                 dry_run)


def _finished_emails(now: datetime, config: dict, dry_run: bool) -> int:
    """Only emails the outbox is done with: one still queued or being retried stays."""
    return _rows(OutgoingEmail, OutgoingEmail.state.in_(
        (EmailState.SENT, EmailState.REFUSED, EmailState.CANCELLED))
        & (OutgoingEmail.created_at < now - _days(config, "RETENTION_NOTICE_DAYS")), dry_run)


def _form_keys(now: datetime, _config: dict, dry_run: bool) -> int:
    return _rows(FormSubmission, FormSubmission.created_at < now - KEEP_FOR, dry_run)


def _old_audit(now: datetime, config: dict, dry_run: bool) -> int:
    cutoff = years_before(now.date(), config["RETENTION_AUDIT_YEARS"])
    return _rows(AuditEvent, AuditEvent.occurred_at < datetime.combine(
        cutoff, datetime.min.time(), tzinfo=now.tzinfo), dry_run)


SCHEDULE = (
    Rule("people_erased", "Portfolios, evidence, reflections, files and records of people "
         "who have left (the account is anonymised, not deleted)",
         lambda c: f"{c['RETENTION_AFTER_LEAVING_YEARS']} years after they left",
         "Training records of former staff, as councils keep personnel files (Limitation "
         "Act 1980)", _erase_people),
    Rule("subject_access_exports", "Subject access export zips",
         lambda c: f"{c['SUBJECT_ACCESS_DAYS']} days after they were made",
         "A full copy of someone's data: kept only while it is sent on", _expired_exports),
    Rule("portfolio_packs", "Portfolio packs (a submission as one PDF)",
         lambda c: f"{c['RETENTION_PACK_DAYS']} days after they were asked for",
         "A copy of a submission: made again whenever someone needs one", _old_packs),
    Rule("password_resets", "Password reset links",
         lambda c: f"{c['RETENTION_LINK_DAYS']} days after they expire",
         "No use once expired", _spent(PasswordResetToken)),
    Rule("invitations", "Invitations to set a password",
         lambda c: f"{c['RETENTION_LINK_DAYS']} days after they expire",
         "No use once expired", _spent(Invitation)),
    Rule("feedback_links", "Outside feedback links that were never answered",
         lambda c: f"{c['RETENTION_LINK_DAYS']} days after they expire or are cancelled",
         "No use once expired; an answered link stays with the feedback", _spent_feedback_links),
    Rule("evidence_drafts", "Unsaved evidence drafts",
         lambda c: f"{c['RETENTION_DRAFT_DAYS']} days after they were last saved",
         "Work the person has not come back to", _old_drafts),
    Rule("notifications", "Notifications in the portal",
         lambda c: f"{c['RETENTION_NOTICE_DAYS']} days",
         "Reminders of past events", _old_notifications),
    Rule("emails", "Emails sent (the outbox)",
         lambda c: f"{c['RETENTION_NOTICE_DAYS']} days",
         "Proof of delivery for a year of questions", _finished_emails),
    Rule("form_keys", "One-time form keys",
         lambda _c: f"{KEEP_FOR.days} days", "Only stop a form being sent twice", _form_keys),
    Rule("audit_events", "Audit trail entries",
         lambda c: f"{c['RETENTION_AUDIT_YEARS']} years",
         "Who did what, for complaints and claims (Limitation Act 1980)", _old_audit),
)


def run(now: datetime | None = None, dry_run: bool = False) -> dict[str, int]:
    """Apply the schedule on `now`: counts per kind. A real run writes one audit row with
    the counts; a dry run changes nothing. Flushes, never commits."""
    now = now or utcnow()
    config = current_app.config
    if not dry_run and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:lock)"), {"lock": RUN_LOCK})
    counts = {rule.kind: rule.apply(now, config, dry_run) for rule in SCHEDULE}
    if not dry_run:
        audit.record(None, RUN_ACTION, RetentionRun(), **counts)
    return counts


def last_run() -> AuditEvent | None:
    """The audit row of the latest run (its details are the counts)."""
    return db.session.scalar(select(AuditEvent).where(AuditEvent.action == RUN_ACTION)
                             .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
                             .limit(1))
