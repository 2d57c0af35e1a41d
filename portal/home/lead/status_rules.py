"""The rules that decide whether a candidate is on track, behind or a concern.

Pure: the facts about one candidate's portfolio go in, a status and its reasons come out.
The dashboard's queries gather the facts; the page prints `RULES` under "Why is this
amber?", so what a lead reads is what this module does. Concerns outrank behind: a
candidate with a reason of each kind is shown as a concern, with every reason listed.
"""

import enum
import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from portal.core.template_helpers import uk_date


class Status(enum.IntEnum):
    """Ordered: a higher status wins when several rules apply."""

    ON_TRACK = 0
    BEHIND = 1
    CONCERNS = 2

    @property
    def label(self) -> str:
        return {0: "On track", 1: "Behind", 2: "Concerns"}[self.value]

    @property
    def tag_class(self) -> str:
        """The GOV.UK tag colour; the label always says the status in words too."""
        return {0: "govuk-tag--green", 1: "govuk-tag--yellow", 2: "govuk-tag--red"}[self.value]


@dataclass(frozen=True)
class ComponentCount:
    """One required component: what the programme asks for in all and what is there."""

    title: str
    needed: int
    have: int


@dataclass(frozen=True)
class Progress:
    """What the rules read about one candidate's portfolio."""

    # (title, due on) of each required review point not done whose date has passed.
    overdue_review_points: tuple[tuple[str, date], ...] = ()
    # Share of the candidate's programme time that has passed, 0 to 1, counted over the
    # length after extensions (so part-time working and absence stretch it).
    time_passed: float = 0.0
    # Counted only while the candidate is still building the portfolio (None otherwise).
    components: tuple[ComponentCount, ...] | None = None
    # "code title" of each domain the latest signed-off review rated not on track.
    domains_not_on_track: tuple[str, ...] = ()
    support_plan_opened_on: date | None = None  # the earliest plan still open
    deferred_evidence_due_on: date | None = None  # the panel's latest decision deferred


@dataclass(frozen=True)
class Rule:
    status: Status
    title: str
    explanation: str
    reasons: Callable[[Progress], list[str]]


@dataclass(frozen=True)
class Assessment:
    status: Status
    reasons: tuple[str, ...]


def expected_by_now(needed: int, time_passed: float) -> int:
    """How many of `needed` a candidate should have by now: spread evenly over their
    programme time, rounded down (a candidate is never behind for a fraction)."""
    return math.floor(needed * min(max(time_passed, 0.0), 1.0))


def _overdue_review_points(progress: Progress) -> list[str]:
    return [f"{title} overdue since {uk_date(due_on)}"
            for title, due_on in progress.overdue_review_points]


def _components_behind(progress: Progress) -> list[str]:
    reasons = []
    for component in progress.components or ():
        expected = expected_by_now(component.needed, progress.time_passed)
        if component.have < expected:
            reasons.append(f"{component.title}: {component.have} of {expected} expected by "
                           f"now ({component.needed} needed in all)")
    return reasons


def _domains_not_on_track(progress: Progress) -> list[str]:
    return [f"Latest review: {domain} not on track"
            for domain in progress.domains_not_on_track]


def _open_support_plan(progress: Progress) -> list[str]:
    opened = progress.support_plan_opened_on
    return [] if opened is None else [f"Support plan open since {uk_date(opened)}"]


def _deferral(progress: Progress) -> list[str]:
    due = progress.deferred_evidence_due_on
    return [] if due is None else [
        f"The panel deferred its decision: more evidence due by {uk_date(due)}"]


RULES = (
    Rule(Status.BEHIND, "A review point is overdue",
         "A required review point (optional ones never count) is not done and its due date, "
         "moved by any part-time or absence extension, has passed. Portfolios at panel or "
         "decided are not checked.",
         _overdue_review_points),
    Rule(Status.BEHIND, "Fewer required components than expected by now",
         "Each required component (observations, feedback, records and so on) is spread "
         "evenly over the candidate's programme: by now they should have that share of it, "
         "rounded down. The programme's length includes part-time and absence extensions, "
         "so a part-time candidate is expected to have less by the same date. Only checked "
         "while the candidate is still building their portfolio.",
         _components_behind),
    Rule(Status.CONCERNS, "A domain is not on track",
         "The latest signed-off review report rated at least one domain \u201cnot on "
         "track\u201d.",
         _domains_not_on_track),
    Rule(Status.CONCERNS, "A support plan is open",
         "A support plan opened after a review or a panel's deferral has not been closed.",
         _open_support_plan),
    Rule(Status.CONCERNS, "The panel deferred its decision",
         "The panel's latest decision on the portfolio is a deferral.",
         _deferral),
)


def assess(progress: Progress) -> Assessment:
    """The candidate's status (the highest of the rules that apply) and every reason."""
    status, reasons = Status.ON_TRACK, []
    for rule in RULES:
        found = rule.reasons(progress)
        if found:
            status = max(status, rule.status)
            reasons += found
    return Assessment(status=status, reasons=tuple(reasons))
