"""Each status rule on its own: the facts that make it apply, the reason it gives, and the
facts just short of it (issue 20: "each rule is written down on the page and tested")."""

from datetime import date

import pytest

from portal.home.lead.status_rules import (
    RULES,
    ComponentCount,
    Progress,
    Status,
    assess,
    expected_by_now,
)

OBSERVATIONS = ComponentCount("Direct observations", needed=3, have=0)

# (facts, expected status, expected reasons)
CASES = {
    "nothing to say: on track": (Progress(), Status.ON_TRACK, ()),
    "a review point overdue: behind": (
        Progress(overdue_review_points=(("3-month review", date(2026, 6, 2)),)),
        Status.BEHIND, ("3-month review overdue since 2 June 2026",)),
    "fewer components than expected by now: behind": (
        Progress(time_passed=0.5, components=(OBSERVATIONS,)),
        Status.BEHIND,
        ("Direct observations: 0 of 1 expected by now (3 needed in all)",)),
    "as many components as expected by now: on track": (
        Progress(time_passed=0.5, components=(ComponentCount("Direct observations", 3, 1),)),
        Status.ON_TRACK, ()),
    "a part-time candidate has had less time: on track with fewer": (
        # Half a full-time year gone, but only a third of their stretched year.
        Progress(time_passed=1 / 3 - 0.01, components=(OBSERVATIONS,)),
        Status.ON_TRACK, ()),
    "components not counted once the portfolio is submitted": (
        Progress(time_passed=1.0, components=None), Status.ON_TRACK, ()),
    "a domain not on track: concerns": (
        Progress(domains_not_on_track=("6 Critical reflection and analysis",)),
        Status.CONCERNS, ("Latest review: 6 Critical reflection and analysis not on track",)),
    "an open support plan: concerns": (
        Progress(support_plan_opened_on=date(2026, 10, 5)),
        Status.CONCERNS, ("Support plan open since 5 October 2026",)),
    "a deferral: concerns": (
        Progress(deferred_evidence_due_on=date(2027, 2, 1)),
        Status.CONCERNS,
        ("The panel deferred its decision: more evidence due by 1 February 2027",)),
    "concerns outrank behind, and every reason is kept": (
        Progress(overdue_review_points=(("3-month review", date(2026, 6, 2)),),
                 support_plan_opened_on=date(2026, 10, 5)),
        Status.CONCERNS,
        ("3-month review overdue since 2 June 2026", "Support plan open since 5 October 2026")),
}


@pytest.mark.parametrize(("progress", "status", "reasons"), CASES.values(), ids=CASES)
def test_each_rule(progress, status, reasons):
    assessment = assess(progress)
    assert assessment.status == status
    assert assessment.reasons == reasons


@pytest.mark.parametrize(("needed", "time_passed", "expected"), [
    (3, 0.0, 0), (3, 0.33, 0), (3, 0.34, 1), (3, 1.0, 3), (3, 1.5, 3), (1, 0.99, 0),
    (4, -0.2, 0),
])
def test_expected_by_now_is_spread_evenly_and_rounded_down(needed, time_passed, expected):
    assert expected_by_now(needed, time_passed) == expected


def test_every_rule_is_written_down_and_has_a_status():
    assert {rule.status for rule in RULES} == {Status.BEHIND, Status.CONCERNS}
    assert all(rule.title and rule.explanation for rule in RULES)


@pytest.mark.parametrize(("status", "label", "colour"), [
    (Status.ON_TRACK, "On track", "govuk-tag--green"),
    (Status.BEHIND, "Behind", "govuk-tag--yellow"),
    (Status.CONCERNS, "Concerns", "govuk-tag--red"),
])
def test_each_status_has_words_as_well_as_a_colour(status, label, colour):
    assert (status.label, status.tag_class) == (label, colour)
