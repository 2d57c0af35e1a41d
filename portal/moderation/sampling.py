"""Drawing a round's sample: stratified by council and outcome, reproducible from a seed.

Each stratum is sorted by agenda item id before drawing, so the same candidates and the
same seed give the same sample whatever order the database returned them in."""

import math
import random
import secrets
from collections import defaultdict
from dataclasses import dataclass

# Fits PostgreSQL's signed BIGINT.
SEED_BITS = 62


@dataclass(frozen=True)
class Candidate:
    """A decided agenda item that may be drawn, with what it is stratified by."""

    agenda_item_id: int
    organisation_id: int
    outcome: str


def new_seed() -> int:
    return secrets.randbits(SEED_BITS)


def stratum_size(available: int, percent: int) -> int:
    """The share of a stratum to draw: rounded up, so every non-empty stratum is seen."""
    return min(available, math.ceil(available * percent / 100))


def draw_sample(candidates: list[Candidate], percent: int, seed: int) -> list[int]:
    """The agenda item ids drawn, in stratum order then id order."""
    strata: dict[tuple[int, str], list[int]] = defaultdict(list)
    for candidate in candidates:
        strata[(candidate.organisation_id, candidate.outcome)].append(candidate.agenda_item_id)
    generator = random.Random(seed)  # noqa: S311 (a sample to moderate, not a secret)
    drawn = []
    for key in sorted(strata):
        ids = sorted(strata[key])
        drawn += sorted(generator.sample(ids, stratum_size(len(ids), percent)))
    return drawn
