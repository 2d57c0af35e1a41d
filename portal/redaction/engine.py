"""The engine: every layer's finds in one text, overlaps settled, each with its label.

Where finds overlap the longer wins ("aisha.singh@example.org" is one [Email], not a
[Candidate] with a domain after it), and of two as long the earlier layer (a known name
before a pattern before a listed name).
"""

from dataclasses import dataclass

from portal.redaction.known import KnownName, find_known
from portal.redaction.labels import FIXED_LABELS, Kind, Numbering
from portal.redaction.names import find_names
from portal.redaction.patterns import find_patterns


@dataclass(frozen=True)
class Proposal:
    """Replace text[start:end] (`found`) with `label`."""

    start: int
    end: int
    found: str
    kind: Kind
    label: str


def _candidates(text: str, known: list[KnownName]):
    """(layer, start, end, kind, name-or-None), every layer's finds."""
    for start, end, kind in find_known(text, known):
        yield 0, start, end, kind, None
    for start, end, kind in find_patterns(text):
        yield 1, start, end, kind, None
    for start, end, kind, name in find_names(text):
        yield 2, start, end, kind, name


def propose(text: str, known: list[KnownName], numbering: Numbering | None = None,
            labels: dict[Kind, str] | None = None) -> list[Proposal]:
    """The proposals for `text`, in order and never overlapping. `numbering` keeps [Child n]
    and [Person n] the same across the texts of one copy; `labels` overrides the fixed
    labels (the panel calls the candidate by the agenda item's reference)."""
    if not text:
        return []
    numbering = numbering if numbering is not None else Numbering()
    chosen: list[tuple] = []
    taken = [False] * len(text)
    finds = sorted(set(_candidates(text, known)), key=lambda f: (f[1] - f[2], f[0], f[1]))
    for find in finds:
        _layer, start, end, _kind, _name = find
        if start >= end or any(taken[start:end]):
            continue
        taken[start:end] = [True] * (end - start)
        chosen.append(find)
    proposals = []
    for _layer, start, end, kind, name in sorted(chosen, key=lambda f: f[1]):
        label = numbering.label(name, kind) if name else (labels or {}).get(
            kind, FIXED_LABELS[kind])
        proposals.append(Proposal(start, end, text[start:end], kind, label))
    return proposals


def apply(text: str, replacements) -> str:
    """`text` with each (start, end, label) replaced; they must not overlap."""
    pieces, at = [], 0
    for start, end, label in sorted(replacements):
        pieces += [text[at:start], label]
        at = end
    return "".join(pieces) + text[at:]


def redact(text: str, known: list[KnownName], numbering: Numbering | None = None,
           labels: dict[Kind, str] | None = None) -> str:
    """`text` with every proposal accepted: the panel members' view."""
    return apply(text, [(p.start, p.end, p.label)
                        for p in propose(text, known, numbering, labels)])
