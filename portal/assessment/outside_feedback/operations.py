"""Feedback from people without an account, through a one-time link.

The candidate (or their current assessor) creates a link for a person with lived experience
or a colleague. Only the SHA-256 of the link's secret is stored, so the link is shown once.
It works once (a conditional UPDATE claims it, so two simultaneous submits record one
entry), expires, can be cancelled, and lands in the candidate's evidence log and portfolio.
"""

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select, update

from portal.accounts.models import User
from portal.assessment.models import FeedbackRequest
from portal.core import audit
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.evidence.models import EvidenceEntry, EvidenceType
from portal.notifications.operations import notify
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.access import portfolios_of

LABEL_MAX = 120
ANSWER_MAX = 2000
# Longer than any secret we hand out (token_urlsafe(32) is 43 characters).
SECRET_MAX = 100


class OutsideKind(enum.StrEnum):
    LIVED_EXPERIENCE = "lived_experience"
    COLLEAGUE = "colleague"

    @property
    def label(self) -> str:
        return {OutsideKind.LIVED_EXPERIENCE: "A person with lived experience",
                OutsideKind.COLLEAGUE: "A colleague or other professional"}[self]

    @property
    def evidence_type(self) -> EvidenceType:
        return {OutsideKind.LIVED_EXPERIENCE: EvidenceType.LIVED_EXPERIENCE_FEEDBACK,
                OutsideKind.COLLEAGUE: EvidenceType.COLLEAGUE_FEEDBACK}[self]

    @property
    def entry_title(self) -> str:
        return {OutsideKind.LIVED_EXPERIENCE: "Feedback from a person who uses services "
                                              "(via link)",
                OutsideKind.COLLEAGUE: "Feedback from a colleague (via link)"}[self]


class LinkStatus(enum.StrEnum):
    WAITING = "waiting"
    USED = "used"
    EXPIRED = "expired"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {LinkStatus.WAITING: "Waiting", LinkStatus.USED: "Feedback received",
                LinkStatus.EXPIRED: "Expired", LinkStatus.CANCELLED: "Cancelled"}[self]


class OutsideFeedbackError(ValueError):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class OutsideAnswers:
    """What the person typed. Plain text; the templates escape it wherever it is shown."""

    who: str
    went_well: str
    could_be_better: str
    rating: str
    consent: bool


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def status(request: FeedbackRequest, now: datetime | None = None) -> LinkStatus:
    now = now or utcnow()
    if request.used_at is not None:
        return LinkStatus.USED
    if request.cancelled_at is not None:
        return LinkStatus.CANCELLED
    if request.expires_at <= now:
        return LinkStatus.EXPIRED
    return LinkStatus.WAITING


def requests_for(candidate: User) -> list[FeedbackRequest]:
    return list(db.session.scalars(
        select(FeedbackRequest).where(FeedbackRequest.candidate_id == candidate.id)
        .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())))


def create_request(actor: User, candidate: User, kind: OutsideKind, label: str,
                   days: int) -> tuple[FeedbackRequest, str]:
    """Make a link for `candidate`; returns it and its secret (only the hash is kept)."""
    label = (label or "").strip()
    if not label:
        raise OutsideFeedbackError("Enter a note to help you remember who this link is for",
                                   "label")
    if len(label) > LABEL_MAX:
        raise OutsideFeedbackError(f"Note must be {LABEL_MAX} characters or fewer", "label")
    if candidate.organisation_id != actor.organisation_id:
        raise PermissionError("a link can only be made for someone in your organisation")
    secret = secrets.token_urlsafe(32)
    request = FeedbackRequest(
        organisation_id=candidate.organisation_id, candidate_id=candidate.id,
        created_by_id=actor.id, kind=OutsideKind(kind).value, label=label,
        token_hash=token_hash(secret), expires_at=utcnow() + timedelta(days=days))
    db.session.add(request)
    db.session.flush()
    # No label in the audit row: it is the candidate's free text about a person.
    audit.record(actor, "feedback_link_created", request, kind=request.kind,
                 candidate_id=candidate.id, days=days)
    return request, secret


def cancel_request(actor: User, request: FeedbackRequest) -> None:
    if status(request) != LinkStatus.WAITING:
        raise OutsideFeedbackError("This link can no longer be cancelled")
    request.cancelled_at = utcnow()
    db.session.flush()
    audit.record(actor, "feedback_link_cancelled", request)


def open_request(secret: str) -> FeedbackRequest | None:
    """The request behind a link that still works, or None (unknown, used, expired,
    cancelled, or its candidate no longer has an active account)."""
    if not secret or len(secret) > SECRET_MAX:
        return None
    request = db.session.scalar(
        select(FeedbackRequest).where(FeedbackRequest.token_hash == token_hash(secret)))
    if request is None or status(request) != LinkStatus.WAITING:
        return None
    candidate = db.session.get(User, request.candidate_id)
    if candidate is None or not candidate.active:
        return None
    return request


def first_name(candidate: User) -> str:
    """All the public form says about the candidate."""
    parts = (candidate.name or "").split()
    return parts[0] if parts else "the social worker"


def _claim(request: FeedbackRequest, now: datetime) -> bool:
    """Mark the link used if nobody else has: one row changes, or none."""
    result = db.session.execute(
        update(FeedbackRequest)
        .where(FeedbackRequest.id == request.id, FeedbackRequest.used_at.is_(None),
               FeedbackRequest.cancelled_at.is_(None), FeedbackRequest.expires_at > now)
        .values(used_at=now)
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def reflection_text(kind: OutsideKind, answers: OutsideAnswers, given_on: date) -> str:
    """The answers as the entry's plain-text reflection (escaped wherever it is shown)."""
    who_heading = ("Who gave this feedback" if kind == OutsideKind.LIVED_EXPERIENCE
                   else "Their role")
    parts = []
    if answers.who:
        parts.append(f"{who_heading}: {answers.who}")
    if answers.went_well:
        parts.append(f"What went well:\n{answers.went_well}")
    if answers.could_be_better:
        parts.append(f"What could be better:\n{answers.could_be_better}")
    if answers.rating:
        parts.append(f"Overall: {answers.rating}")
    parts.append(f"Consent: given on {given_on.day} {given_on:%B %Y} for this feedback to be "
                 "used in the professional development portfolio.")
    return "\n\n".join(parts)


def submit_feedback(request: FeedbackRequest, answers: OutsideAnswers) -> EvidenceEntry | None:
    """Record the feedback as an evidence entry for the candidate; None if the link was
    used (or stopped working) in the meantime. Flushed, not committed."""
    if not answers.consent:
        raise OutsideFeedbackError("Tick the box to agree that your feedback can be used",
                                   "consent")
    now = utcnow()
    if not _claim(request, now):
        return None
    kind = OutsideKind(request.kind)
    today = today_in_england()
    candidate = db.session.get(User, request.candidate_id)
    entry = EvidenceEntry(
        candidate_id=candidate.id, organisation_id=candidate.organisation_id,
        title=kind.entry_title, occurred_on=today,
        evidence_type=kind.evidence_type.value,
        reflection=reflection_text(kind, answers, today),
        anonymised_confirmed=False)
    db.session.add(entry)
    db.session.flush()
    db.session.execute(update(FeedbackRequest).where(FeedbackRequest.id == request.id)
                       .values(entry_id=entry.id).execution_options(synchronize_session=False))
    db.session.refresh(request)
    audit.record(None, "feedback_link_used", request, entry_id=entry.id, consent=True)
    _add_to_portfolio(candidate, entry, kind)
    notify(candidate.id, f"New feedback from {kind.label.lower()} (through your link)",
           f"/evidence/{entry.id}")
    return entry


def _add_to_portfolio(candidate: User, entry: EvidenceEntry, kind: OutsideKind) -> None:
    """Into the candidate's newest portfolio, in the section for this kind of feedback."""
    portfolios = portfolios_of(candidate)
    if not portfolios:
        return
    portfolio = portfolios[0]
    section = next((c.code for c in portfolio.programme.components
                    if c.source == "evidence" and c.evidence_type == kind.evidence_type.value),
                   None)
    # The candidate is the actor: the link was theirs, and nobody signed in added it.
    portfolio_operations.include_entry(candidate, portfolio, entry, section)
