"""The measure in docs/redaction.md: on 220 synthetic reflections the engine finds at least
95% of the planted identifiers of every kind; its precision is reported (printed with -s)."""

from collections import Counter

from portal.redaction.engine import propose
from portal.redaction.labels import Kind, Numbering
from tests.redaction.corpus import KNOWN, corpus

PEOPLE = {Kind.CHILD, Kind.PERSON}


def _same_kind(found: Kind, planted: Kind) -> bool:
    # A child taken for an adult is still hidden; the label differs, not the finding.
    return found == planted or {found, planted} <= PEOPLE


def measure(reflections):
    planted, found, proposals, wrong = Counter(), Counter(), Counter(), Counter()
    for reflection in reflections:
        made = propose(reflection.text, KNOWN, Numbering())
        for start, end, kind in reflection.planted:
            planted[kind] += 1
            covered = [p for p in made if p.start < end and p.end > start
                       and _same_kind(p.kind, kind)]
            span = set().union(*(range(p.start, p.end) for p in covered)) if covered else set()
            if set(range(start, end)) <= span:
                found[kind] += 1
        for proposal in made:
            proposals[proposal.kind] += 1
            if not any(proposal.start < end and proposal.end > start
                       for start, end, _kind in reflection.planted):
                wrong[proposal.kind] += 1
    return planted, found, proposals, wrong


def test_recall_is_at_least_95_percent_for_every_kind():
    reflections = corpus()
    assert len(reflections) >= 200
    planted, found, proposals, wrong = measure(reflections)
    assert set(planted) == set(Kind)
    print(f"\n{'kind':<15}{'planted':>8}{'found':>7}{'recall':>8}{'proposed':>9}{'precision':>10}")
    for kind in Kind:
        recall = found[kind] / planted[kind]
        precision = 1 - wrong[kind] / proposals[kind] if proposals[kind] else 1.0
        print(f"{kind:<15}{planted[kind]:>8}{found[kind]:>7}{recall:>8.1%}"
              f"{proposals[kind]:>9}{precision:>10.1%}")
        assert recall >= 0.95, (kind, recall)
    total = sum(proposals.values())
    print(f"overall precision {1 - sum(wrong.values()) / total:.1%} of {total} proposals")
