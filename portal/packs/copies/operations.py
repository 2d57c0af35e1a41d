"""Changes to anonymised copies, each by an explicit actor, audited, flushed and never
committed (the view commits)."""

import re

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db, utcnow
from portal.packs.copies.models import (
    AnonymisedCopy,
    CopyState,
    Decision,
    RedactionDecision,
)
from portal.packs.copies.texts import copy_text
from portal.portfolios.models import Portfolio, PortfolioSnapshot
from portal.redaction.engine import propose
from portal.redaction.labels import Numbering
from portal.redaction.people import known_names

OWN = "own"  # the kind of a replacement the reviewer added


class CopyError(ValueError):
    """A change the copy's state or the request does not allow; the message says why."""


def start_copy(actor: User, snapshot: PortfolioSnapshot) -> AnonymisedCopy:
    """Make the snapshot's copy with the engine's proposals, all pending (one copy per
    snapshot: asking again returns the one there is)."""
    existing = db.session.query(AnonymisedCopy).filter_by(snapshot_id=snapshot.id).one_or_none()
    if existing is not None:
        return existing
    candidate = db.session.get(Portfolio, snapshot.portfolio_id).candidate
    known, numbering = known_names(candidate), Numbering()
    started = utcnow()
    copy = AnonymisedCopy(snapshot_id=snapshot.id, state=CopyState.IN_REVIEW,
                          created_by_id=actor.id, created_at=started)
    for order, (field, text) in enumerate(copy_text(snapshot, started)):
        copy.decisions += [
            RedactionDecision(field=field, field_order=order, start=p.start, stop=p.end,
                              found=p.found[:500], kind=p.kind.value, proposed_label=p.label,
                              decision=Decision.PENDING)
            for p in propose(text, known, numbering)]
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "anonymised_copy.started", copy, snapshot_id=snapshot.id,
                 proposals=len(copy.decisions))
    return copy


def _in_review(copy: AnonymisedCopy) -> None:
    if copy.state != CopyState.IN_REVIEW:
        raise CopyError("This copy has been approved and can no longer change.")


def decide(actor: User, copy: AnonymisedCopy, choices: dict[int, tuple[str, str | None]]):
    """Record the reviewer's decision on each of the copy's proposals in `choices`
    ({decision id: (accepted | changed | rejected, own label for changed)})."""
    _in_review(copy)
    by_id = {decision.id: decision for decision in copy.decisions}
    now, counts = utcnow(), {}
    for decision_id, (choice, label) in choices.items():
        decision = by_id.get(decision_id)
        if decision is None or decision.decision == Decision.ADDED:
            continue  # not this copy's proposal: nothing to decide
        if choice == Decision.CHANGED and not (label or "").strip():
            raise CopyError(f"Enter what to show instead of \u201c{decision.found}\u201d")
        # A row is only valid with its decision and its date together: no flush between.
        with db.session.no_autoflush:
            decision.decision = choice
            decision.replacement = label.strip() if choice == Decision.CHANGED else None
            decision.decided_by_id, decision.decided_at = actor.id, now
        counts[choice] = counts.get(choice, 0) + 1
    db.session.flush()
    audit.record(actor, "anonymised_copy.decided", copy, **counts)


def _overlaps(decisions, field: str, start: int, stop: int) -> bool:
    return any(d.field == field and d.start < stop and d.stop > start
               and d.decision != Decision.REJECTED for d in decisions)


def add_own(actor: User, copy: AnonymisedCopy, phrase: str, label: str) -> int:
    """Replace every place `phrase` is written (any case, as a whole word) with `label`,
    where no replacement already covers it. Returns how many places."""
    _in_review(copy)
    phrase, label = phrase.strip(), label.strip()
    pattern = re.compile(r"(?<![^\W_])" + re.escape(phrase) + r"(?![^\W_])", re.IGNORECASE)
    added, now = [], utcnow()
    for order, (field, text) in enumerate(copy_text(copy.snapshot, copy.created_at)):
        for match in pattern.finditer(text):
            if _overlaps(copy.decisions + added, field, *match.span()):
                continue
            added.append(RedactionDecision(
                field=field, field_order=order, start=match.start(), stop=match.end(),
                found=match.group()[:500], kind=OWN, decision=Decision.ADDED,
                replacement=label, decided_by_id=actor.id, decided_at=now))
    if not added:
        raise CopyError(f"\u201c{phrase}\u201d is not in the submission, or is already "
                        "replaced")
    copy.decisions += added
    db.session.flush()
    audit.record(actor, "anonymised_copy.added", copy, places=len(added))
    return len(added)


def approve(actor: User, copy: AnonymisedCopy) -> None:
    """Approve the copy once every proposal has a decision; it records who and when."""
    _in_review(copy)
    pending = sum(1 for d in copy.decisions if d.decision == Decision.PENDING)
    if pending:
        raise CopyError(f"Decide on every proposal before approving: {pending} still "
                        "to decide")
    copy.state, copy.approved_by_id, copy.approved_at = CopyState.APPROVED, actor.id, utcnow()
    db.session.flush()
    audit.record(actor, "anonymised_copy.approved", copy, snapshot_id=copy.snapshot_id)


def record_viewing(actor: User, copy: AnonymisedCopy) -> None:
    """Opening the approved copy is audited, as downloading a pack is."""
    audit.record(actor, "anonymised_copy.viewed", copy, snapshot_id=copy.snapshot_id)
