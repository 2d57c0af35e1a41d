"""Erasing a person (UK GDPR right to erasure, or the end of their retention period).

What the portal holds about someone is listed kind by kind in `holdings` (the subject
access export reads the same list). Every kind has a rule here, so a new table holding
personal data cannot be forgotten (a test checks there is one for each kind):

- DELETE: the rows go (links, drafts, notifications, emails, files);
- a dict of columns: the rows stay, with their free text replaced by ERASED, because the
  workforce reports count them (evidence logged, supervision held, review reports done,
  panel outcomes) and the council keeps the fact of a panel decision, anonymised;
- KEEP: rows that hold no words about the person (dates, codes, ids), or that belong to
  others too (the team, the cohort).

The account itself stays, anonymised, so the reports still count the person; the audit
trail stays as it is (it holds ids and field names only, never anyone's words).

Updates are plain SQL statements, not changes to loaded objects: a submitted snapshot's
guard refuses any change through the ORM, and erasure is the one lawful exception.
"""

from collections.abc import Iterator

from sqlalchemy import ColumnElement, delete, func, or_, select, update

from portal.accounts.models import RecoveryCode, TwoFactor, User, new_session_token
from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import SignOnIdentity
from portal.core import audit
from portal.core.db import db, utcnow
from portal.core.once import FormSubmission
from portal.data_protection import holdings
from portal.data_protection.models import SubjectAccessExport
from portal.evidence.attachments import delete_after_commit
from portal.evidence.models import Attachment
from portal.moderation.models import ModerationSample
from portal.notifications.models import Notification
from portal.packs.copies.models import AnonymisedCopy
from portal.packs.models import PortfolioPack
from portal.panels.letter_models import OutcomeLetter
from portal.panels.models import AgendaItem, MemberNote
from portal.portfolios.models import Portfolio, PortfolioSnapshot, PortfolioState
from portal.portfolios.snapshots import content_hash
from portal.reminders.models import ReminderSent

ERASED = "[erased]"
DELETE = "delete"
KEEP = "keep"

# A snapshot keeps its row (the portfolio points at it) with nothing of the person inside;
# its hash is of this content, so the "intact" check still holds.
ERASED_SNAPSHOT = {"erased": True, "entries": [], "records": {}}
ERASED_SNAPSHOT_SHA256 = content_hash(ERASED_SNAPSHOT)


def _erased(*columns: str, nullable: tuple[str, ...] = ()) -> dict:
    return {**dict.fromkeys(columns, ERASED), **dict.fromkeys(nullable)}


RULES: dict[str, str | dict] = {
    "account": KEEP,  # anonymised by erase() itself
    "roles": KEEP,
    "invitations": DELETE,
    "password_resets": DELETE,
    "assignments": KEEP,
    "career_levels": KEEP,
    "team": KEEP,
    "team_changes": KEEP,
    "leaving_records": KEEP,
    "registration": DELETE,  # a registration number identifies the person
    "memberships": KEEP,
    "cohorts": KEEP,
    "entries": _erased("title", "reflection"),
    "framework_links": _erased("reason"),
    "assessor_feedback": _erased("body"),
    "unsaved_drafts": DELETE,
    "attachments": DELETE,  # and their files
    "portfolios": KEEP,
    "review_points": KEEP,
    "schedule_changes": _erased("reason"),
    "entries_in_portfolios": KEEP,
    "supervision": _erased("supervisor_name", "topics", "agreed_actions"),
    "protected_time": _erased("activity"),
    "support_agreements": _erased("supervision_arrangements", "workload_reduction",
                                  "protected_time", "development_priorities"),
    "support_agreement_versions": _erased("supervision_arrangements", "workload_reduction",
                                          "protected_time", "development_priorities"),
    "development_plans": _erased("goals", "actions"),
    "kss_self_assessments": KEEP,
    "kss_ratings": _erased("comment"),
    "snapshots": {"content": ERASED_SNAPSHOT, "sha256": ERASED_SNAPSHOT_SHA256},
    "review_reports": _erased("summary", "holistic_assessment", "line_manager_comment",
                              "candidate_response"),
    "domain_progress": _erased("commentary"),
    "agreed_actions": _erased("description"),
    "observations": _erased("setting", "what_was_observed", "candidate_reflection",
                            "analysis", "strengths", "areas_to_develop"),
    "observation_links": _erased("reason"),
    "feedback_requests": DELETE,
    "support_plans": _erased("concerns", "objectives"),
    "agenda_items": _erased(nullable=("removal_reason",)),
    "decisions": _erased("rationale", nullable=("correction_reason",)),
    "decision_domains": KEEP,
    "decision_actions": _erased("description"),
    "outcome_letters": DELETE,  # and their PDFs: a letter names the person
    "review_requests": _erased("reasons", "outcome_notes"),
    "notifications": DELETE,
    "reminders_sent": DELETE,
    "reminder_opt_outs": DELETE,
    "emails": DELETE,
    "audit_events": KEEP,
}

# Kinds whose rows point at a stored file, which goes with the row.
STORED_FILES = {"attachments": Attachment.stored_name,
                "outcome_letters": OutcomeLetter.stored_name}


class ErasureRefused(Exception):
    """The person cannot be erased yet; the message says why, for the administrator."""


def refusal(subject: User, actor: User | None = None) -> str | None:
    """Why `subject` cannot be erased now, or None. Work still under way must finish (or
    be withdrawn) first: erasing it would leave an assessor or a panel with nothing."""
    if subject.erased_at is not None:
        return f"{subject.name} has already been erased."
    if actor is not None and actor.id == subject.id:
        return "You cannot erase your own account."
    if actor is not None and subject.has_role(Role.SERVICE_ADMINISTRATOR) \
            and not actor.has_role(Role.SERVICE_ADMINISTRATOR):
        return "Only a service administrator can erase a service administrator."
    open_portfolios = db.session.scalar(select(func.count(Portfolio.id)).where(
        Portfolio.candidate_id == subject.id, Portfolio.state != PortfolioState.DECIDED))
    if open_portfolios:
        return (f"{subject.name} has a portfolio that is still open. Record the panel's "
                "decision or withdraw it first.")
    waiting = db.session.scalar(select(func.count(AgendaItem.id)).where(
        AgendaItem.state == "waiting", AgendaItem.portfolio_id.in_(
            select(Portfolio.id).where(Portfolio.candidate_id == subject.id))))
    if waiting:
        return (f"{subject.name} is waiting on a panel's agenda. Record the decision or take "
                "them off the agenda first.")
    return None


def erase(actor: User | None, subject: User, reason: str) -> dict[str, int]:
    """Remove or anonymise everything about `subject` (see the module docstring). `actor`
    is the administrator, or None for the retention job; `reason` is a code
    ("erasure_request" or "retention"). Flushes, audits; returns rows changed per kind."""
    problem = refusal(subject, actor)
    if problem:
        raise ErasureRefused(problem)
    changed = dict(_apply_rules(subject.id))
    changed["member_notes"] = _delete_member_notes(subject.id)
    changed["subject_access_exports"] = _delete_exports(subject.id)
    changed["portfolio_packs"] = _delete_packs(subject.id)
    changed["anonymised_copies"] = _delete_copies(subject.id)
    # Sign-in secrets, council sign-in links and one-time form keys: not in the export,
    # never needed again.
    for name, model in (("two_factor", TwoFactor), ("recovery_codes", RecoveryCode),
                        ("council_sign_in", SignOnIdentity),
                        ("form_submissions", FormSubmission)):
        changed[name] = _execute(delete(model).where(model.user_id == subject.id))
    changed["messages_naming_them"] = _unname_messages(subject)
    _anonymise_account(subject)
    audit.record(actor, "person.erased", subject, reason=reason,
                 **{kind: count for kind, count in changed.items() if count})
    return changed


def _apply_rules(subject_id: int) -> Iterator[tuple[str, int]]:
    for kinds in holdings.files_for(subject_id).values():
        for name, model, condition in kinds:
            rule = RULES[name]  # a KeyError here: a new kind needs its rule
            if rule == KEEP:
                continue
            if rule == DELETE:
                yield name, _delete_rows(name, model, condition)
            else:
                yield name, _execute(update(model).where(condition).values(**rule))


def _delete_rows(name: str, model: type, condition: ColumnElement[bool]) -> int:
    if name in STORED_FILES:
        for stored_name in db.session.scalars(
                select(STORED_FILES[name]).where(condition, STORED_FILES[name].isnot(None))):
            delete_after_commit(stored_name)
    return _execute(delete(model).where(condition))


def _delete_member_notes(subject_id: int) -> int:
    """Panel members' private notes about the person's portfolios (not in the export)."""
    items = select(AgendaItem.id).where(AgendaItem.portfolio_id.in_(
        select(Portfolio.id).where(Portfolio.candidate_id == subject_id)))
    return _execute(delete(MemberNote).where(MemberNote.agenda_item_id.in_(items)))


def _delete_exports(subject_id: int) -> int:
    """Their subject access zips: each is a full copy of what is being erased."""
    condition = SubjectAccessExport.subject_id == subject_id
    for stored_name in db.session.scalars(select(SubjectAccessExport.stored_name).where(
            condition, SubjectAccessExport.stored_name.isnot(None))):
        delete_after_commit(stored_name)
    return _execute(delete(SubjectAccessExport).where(condition))


def _delete_packs(subject_id: int) -> int:
    """Packs of their submissions (copies of what is being erased) and packs they asked
    for."""
    theirs = _their_snapshots(subject_id)
    condition = or_(PortfolioPack.snapshot_id.in_(theirs),
                    PortfolioPack.requested_by_id == subject_id)
    for stored_name in db.session.scalars(select(PortfolioPack.stored_name).where(
            condition, PortfolioPack.stored_name.isnot(None))):
        delete_after_commit(stored_name)
    # A pack shared with moderators is withdrawn from the round first (the sample stays,
    # unshared), as the database requires of a shared sample.
    _execute(update(ModerationSample).where(
        ModerationSample.pack_id.in_(select(PortfolioPack.id).where(condition)))
        .values(pack_id=None, shared_at=None, shared_by_id=None))
    return _execute(delete(PortfolioPack).where(condition))


def _their_snapshots(subject_id: int):
    return (select(PortfolioSnapshot.id)
            .join(Portfolio, Portfolio.id == PortfolioSnapshot.portfolio_id)
            .where(Portfolio.candidate_id == subject_id))


def _delete_copies(subject_id: int) -> int:
    """Anonymised copies of their submissions: each proposal keeps the words it found
    (their name, their address), so the copy goes with its decisions."""
    return _execute(delete(AnonymisedCopy).where(
        AnonymisedCopy.snapshot_id.in_(_their_snapshots(subject_id))))


def _unname_messages(subject: User) -> int:
    """Messages the portal wrote to other people name the person ("Decision recorded for
    ..."): the name is replaced there too, so a search for it finds nothing."""
    # Only messages to their own council's people: another council never wrote about
    # them, and someone there may share the name (or have it inside theirs).
    colleagues = select(User.id).where(User.organisation_id == subject.organisation_id)
    changed = 0
    for model in (Notification, ReminderSent):
        changed += _execute(update(model).where(
            model.recipient_id.in_(colleagues),
            model.message.contains(subject.name, autoescape=True)).values(
            message=func.replace(model.message, subject.name, anonymous_name(subject))))
    return changed


def anonymous_name(subject: User) -> str:
    return f"Erased person {subject.id}"


def _anonymise_account(subject: User) -> None:
    """Name and email replaced, signed out everywhere, and never able to sign in again."""
    subject.name = anonymous_name(subject)
    subject.email = f"erased-{subject.id}@erased.invalid"
    subject.password_hash = None
    subject.active = False
    subject.session_token = new_session_token()
    subject.attachment_bytes = 0
    subject.erased_at = utcnow()
    db.session.flush()


def _execute(statement) -> int:
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount
