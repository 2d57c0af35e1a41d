"""Fixtures for portfolio packs: a candidate's final submission with evidence in a section,
a direct observation, outside feedback, a supervision record, an attached PDF (named as
people name them) and a Word file, on a panel's agenda with a signed-off final report."""

import io
from dataclasses import dataclass
from datetime import date

import pytest
import weasyprint
from pypdf import PdfReader

from portal.assessment.reports import operations as reports
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db
from portal.evidence.models import Attachment
from portal.panels import agenda
from portal.portfolios import operations
from tests import factories
from tests.conftest import sign_in
from tests.panels.conftest import council, new_panel  # noqa: F401 (fixtures)
from tests.portfolios.conftest import make_portfolio

CANDIDATE = "Aisha Singh"
ATTACHED_TEXT = "Statement to the family court about the care plan"
REFLECTION = ("Aisha Singh talked the visit through with Helen Shaw afterwards; "
              "I was calmer than at the first visit.")


def attached_pdf() -> bytes:
    """A real two-page PDF whose text the tests look for in the pack."""
    return weasyprint.HTML(string=(
        f"<p>{ATTACHED_TEXT}</p><p style='break-before: page'>Second page of the statement</p>"
    )).write_pdf()


def word_file(entry) -> Attachment:
    """A file that is not a PDF: listed in the pack with its SHA-256, never merged."""
    attachment = factories.attachment(entry, name="Aisha Singh supervision notes.docx",
                                      content=b"PK\x03\x04 not really a document")
    attachment.content_type = ("application/vnd.openxmlformats-officedocument"
                               ".wordprocessingml.document")
    db.session.flush()
    return attachment


@dataclass
class Submission:
    candidate: object
    portfolio: object
    snapshot: object
    panel: object
    item: object


def submit(council) -> Submission:  # noqa: F811 (the fixture imported above)
    """The submission, committed (see the module docstring)."""
    org, lead, assessor = council["org"], council["lead"], council["assessor"]
    candidate = factories.user(org, roles=["candidate"], name=CANDIDATE)
    portfolio = make_portfolio(org, candidate=candidate, start=date(2025, 9, 1))
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2025, 9, 1))
    visit = factories.evidence_entry(candidate, title="First home visit", reflection=REFLECTION)
    factories.attachment(visit, name="Aisha_Singh_court-statement.pdf", content=attached_pdf())
    word_file(visit)
    observed = factories.evidence_entry(candidate, title="Observed child protection visit",
                                        evidence_type="direct_observation")
    feedback = factories.evidence_entry(candidate, title="A parent's feedback",
                                        evidence_type="lived_experience_feedback")
    for entry in (visit, observed, feedback):
        operations.include_entry(candidate, portfolio, entry, None)
    factories.supervision(portfolio, topics="Caseload and court work")
    snapshot = operations.submit_for_panel(candidate, portfolio, [])
    report = reports.start_assessment(assessor, portfolio)
    reports.save_draft(assessor, report, reports.ReportContent(
        summary="A strong year for Aisha.",
        ratings={d.id: ("on_track", "") for d in reports.pcf_domains(portfolio)},
        holistic_assessment="Meets the ASYE level.", recommendation="pass"))
    reports.sign_off(assessor, report)
    panel = new_panel(council, portfolio.programme_id)
    item = agenda.place_on_agenda(lead, panel, portfolio)
    db.session.commit()
    return Submission(candidate, portfolio, snapshot, panel, item)


@pytest.fixture
def submission(council):  # noqa: F811 (the fixture imported above)
    return submit(council)


def client_for(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def pdf_of(response) -> PdfReader:
    return PdfReader(io.BytesIO(response.data))


def bookmarks(reader: PdfReader, outline=None, depth: int = 0) -> list[tuple[int, object]]:
    """(depth, bookmark) of every bookmark, in order."""
    found = []
    for node in reader.outline if outline is None else outline:
        if isinstance(node, list):
            found += bookmarks(reader, node, depth + 1)
        else:
            found.append((depth, node))
    return found


def outline_titles(reader: PdfReader) -> list[tuple[int, str]]:
    """(depth, title) of every bookmark, in order."""
    return [(depth, node.title) for depth, node in bookmarks(reader)]
