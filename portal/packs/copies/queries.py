"""What the assistant's page and the approved copy show: each field with its proposals in
context, and each field with its replacements applied."""

from dataclasses import dataclass

from sqlalchemy import select

from portal.core.db import db
from portal.packs.copies.models import AnonymisedCopy, CopyState
from portal.packs.copies.texts import copy_text, field_title
from portal.portfolios.models import Portfolio
from portal.redaction.engine import apply, redact
from portal.redaction.labels import Numbering
from portal.redaction.people import known_names

CONTEXT = 60  # characters shown either side of a proposal


@dataclass
class InContext:
    decision: object
    before: str
    after: str


def copy_of(snapshot_id: int) -> AnonymisedCopy | None:
    return db.session.scalar(select(AnonymisedCopy).where(
        AnonymisedCopy.snapshot_id == snapshot_id))


def approved_copy_of(snapshot_id: int) -> AnonymisedCopy | None:
    """The snapshot's copy once a person has approved it for use."""
    return db.session.scalar(select(AnonymisedCopy).where(
        AnonymisedCopy.snapshot_id == snapshot_id,
        AnonymisedCopy.state == CopyState.APPROVED))


def proposals_by_field(copy: AnonymisedCopy) -> list[tuple[str, list[InContext]]]:
    """(field title, its proposals with the words around them), in reading order."""
    texts = dict(copy_text(copy.snapshot, copy.created_at))
    grouped: dict[str, list[InContext]] = {}
    for decision in copy.decisions:
        text = texts.get(decision.field, "")
        grouped.setdefault(decision.field, []).append(InContext(
            decision, text[max(0, decision.start - CONTEXT):decision.start],
            text[decision.stop:decision.stop + CONTEXT]))
    return [(field_title(field), rows) for field, rows in grouped.items()]


def anonymised_fields(copy: AnonymisedCopy) -> list[tuple[str, str]]:
    """(field title, text with the approved replacements), every free-text field."""
    by_field: dict[str, list] = {}
    for decision in copy.decisions:
        if decision.shown_as is not None:
            by_field.setdefault(decision.field, []).append(
                (decision.start, decision.stop, decision.shown_as))
    return [(field_title(field), apply(text, by_field.get(field, [])))
            for field, text in copy_text(copy.snapshot, copy.created_at)]


def redactor(copy: AnonymisedCopy):
    """For the copy's pack: a field's text as the approved copy shows it. Text the copy
    does not cover goes through the engine with every proposal accepted, so nothing
    unreviewed leaves unblanked. So does a field in which the assistant proposed nothing:
    the engine finds nothing in it either, unless it is text the reviewer never saw (a
    record that reached the submission after the copy was started)."""
    reviewed = {decision.field for decision in copy.decisions}
    shown: dict[str, str] = {}
    for (field, text), (_title, anonymised) in zip(
            copy_text(copy.snapshot, copy.created_at), anonymised_fields(copy), strict=True):
        if field in reviewed:
            shown.setdefault(text, anonymised)
    candidate = db.session.get(Portfolio, copy.snapshot.portfolio_id).candidate
    known, numbering = known_names(candidate), Numbering()

    def anonymise(text):
        if not text:
            return text
        return shown[text] if text in shown else redact(text, known, numbering)

    return anonymise
