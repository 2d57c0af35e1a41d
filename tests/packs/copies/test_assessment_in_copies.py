"""An anonymised copy covers the review reports and panel decisions made before it was
started: the assistant proposes replacements in them, the reviewer decides on each, and a
report or decision made later is left out of the copy and of its pack."""

from sqlalchemy import select

from portal.assessment.reports import operations as reports
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.packs.assessment import assessment_text
from portal.packs.contents import pack_context
from portal.packs.copies import operations, queries
from portal.panels import decisions
from portal.portfolios.reviews.models import ReviewReport
from tests.packs.conftest import submission  # noqa: F401 (fixture)
from tests.panels.conftest import approval, council, everyone_present  # noqa: F401


def test_the_copy_proposes_replacements_in_the_final_report(submission, council):  # noqa: F811
    copy = operations.start_copy(council["lead"], submission.snapshot)
    in_report = [d for d in copy.decisions if d.field.startswith("reports.")]
    assert {(d.field, d.found) for d in in_report} >= {("reports.0.summary", "Aisha")}
    titles = [title for title, _rows in queries.proposals_by_field(copy)]
    assert "Review report 1: summary" in titles


def test_a_decision_made_after_the_copy_started_is_not_in_it(submission, council):  # noqa: F811
    lead, chair = council["lead"], council["chair"]
    copy = operations.start_copy(lead, submission.snapshot)
    operations.decide(lead, copy, {d.id: ("accepted", None) for d in copy.decisions})
    operations.approve(lead, copy)
    everyone_present(submission.panel)
    details = approval(submission.item)
    details.rationale = "Aisha Singh showed sound judgement."
    decisions.record_decision(chair, submission.item, submission.item.version, details,
                              today_in_england())
    db.session.commit()
    later = assessment_text(submission.snapshot, copy.created_at)
    assert not any(field.startswith("decisions.") for field, _text in later)
    context = pack_context(submission.snapshot, lead, None, copy)
    assert context["decisions"] == [] and len(context["reports"]) == 1
    # The fields the copy covers did not move: its text still lines up with its decisions.
    assert [title for title, _ in queries.anonymised_fields(copy)]
    assert all("Aisha" not in text for _title, text in queries.anonymised_fields(copy))


def test_an_answer_to_the_report_written_after_approval_is_blanked_in_the_pack(
        submission, council):  # noqa: F811
    lead = council["lead"]
    copy = operations.start_copy(lead, submission.snapshot)
    operations.decide(lead, copy, {d.id: ("accepted", None) for d in copy.decisions})
    operations.approve(lead, copy)
    db.session.commit()
    answer = "Thanks Helen Shaw, Aisha Singh agrees."
    report = db.session.scalar(select(ReviewReport).where(
        ReviewReport.portfolio_id == submission.portfolio.id))
    reports.respond(submission.candidate, report, answer)
    db.session.commit()
    assert not any(field.endswith("candidate_response")
                   for field, _ in assessment_text(submission.snapshot, copy.created_at))
    shown = queries.redactor(copy)(answer)
    assert "Aisha" not in shown and "Helen Shaw" not in shown
