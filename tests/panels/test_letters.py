"""The outcome letter: asked for, built by a job, watched through a polled fragment and
downloaded from file storage, only by the candidate and their council's leads."""

from sqlalchemy import select, text

from portal.core.db import db
from portal.panels import letters
from portal.panels.letter_models import LetterState, OutcomeLetter
from tests import factories
from tests.conftest import page
from tests.panels.test_decision_views import SOON, _client, _decide, _domains


def _letter() -> OutcomeLetter | None:
    db.session.expire_all()
    return db.session.scalar(select(OutcomeLetter))


def test_the_candidate_asks_for_the_letter_and_downloads_it_once_built(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item, code="approved-with-actions",
                       actions=[("Lead a team discussion", "Candidate", SOON)])
    candidate = _client(app, item.portfolio.candidate)
    url = f"/decisions/{decision.id}/letter.pdf"
    assert candidate.get(url).status_code == 404  # nothing built yet
    shown = page(candidate.get(f"/decisions/{decision.id}"))
    button = shown.select_one("#letter form button")
    assert button.get_text(strip=True) == "Prepare your outcome letter (PDF)"
    assert shown.select_one("#letter form")["action"] == f"/decisions/{decision.id}/letter"

    response = candidate.post(f"/decisions/{decision.id}/letter")
    assert response.status_code == 303
    assert response.location.endswith(f"/decisions/{decision.id}#letter")
    # The job ran inline after the response (JOBS_INLINE), and stored the file.
    letter = _letter()
    assert letter.state == LetterState.READY and letter.stored_name
    shown = page(candidate.get(f"/decisions/{decision.id}"))
    link = shown.find("a", string="Download your outcome letter (PDF)")
    assert link["href"] == url
    pdf = candidate.get(url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Disposition"] == (
        f"attachment; filename=panel-decision-{decision.id}.pdf")
    assert pdf.headers["Cache-Control"] == "no-store"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"
    assert _client(app, council["lead"]).get(url).status_code == 200

    # Asking again does not build it again.
    candidate.post(f"/decisions/{decision.id}/letter")
    assert _letter().stored_name == letter.stored_name


def test_only_the_candidate_and_leads_may_ask_watch_or_download(app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    others = [factories.user(council["org"], roles=["candidate"]), council["members"][0],
              council["chair"]]
    db.session.commit()
    for other in others:
        client = _client(app, other)
        assert client.post(f"/decisions/{decision.id}/letter").status_code == 404
        assert client.get(f"/decisions/{decision.id}/letter").status_code == 404
    assert _letter() is None
    _client(app, council["lead"]).post(f"/decisions/{decision.id}/letter")
    assert _letter().state == LetterState.READY
    for other in others:
        response = _client(app, other).get(f"/decisions/{decision.id}/letter.pdf")
        assert response.status_code == 404


def test_the_status_fragment_polls_itself_while_the_letter_is_built(
        app, council, panel_with_item):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    db.session.add(OutcomeLetter(decision_id=decision.id, state=LetterState.BUILDING))
    db.session.commit()
    candidate = _client(app, item.portfolio.candidate)
    fragment = page(candidate.get(f"/decisions/{decision.id}/letter",
                                  headers={"HX-Request": "true"}))
    status = fragment.select_one("#letter")
    assert status["hx-get"] == f"/decisions/{decision.id}/letter"
    assert status["hx-trigger"] == "load delay:2s" and status["hx-swap"] == "outerHTML"
    assert "being prepared" in status.get_text()
    # Without JavaScript: a plain link back to the decision page.
    check = status.find("a", href=f"/decisions/{decision.id}#letter")
    assert check.get_text(" ", strip=True).startswith("Check again")
    # The decision page carries the same fragment.
    assert page(candidate.get(f"/decisions/{decision.id}")).select_one("#letter")["hx-get"]

    letter = _letter()
    letters.build_letter(letter_id=letter.id)
    ready = page(candidate.get(f"/decisions/{decision.id}/letter")).select_one("#letter")
    assert not ready.has_attr("hx-get")  # stops polling
    assert ready.find("a", string="Download your approved letter (PDF)") is None
    assert ready.find("a", string="Download your outcome letter (PDF)")


def test_a_failed_build_is_shown_and_can_be_tried_again(app, council, panel_with_item,
                                                        tmp_path):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    candidate = _client(app, item.portfolio.candidate)
    upload_dir = app.config["UPLOAD_DIR"]
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("storage cannot write here")
    app.config["UPLOAD_DIR"] = str(not_a_directory)
    try:
        candidate.post(f"/decisions/{decision.id}/letter")
    finally:
        app.config["UPLOAD_DIR"] = upload_dir
    letter = _letter()
    assert letter.state == LetterState.FAILED and letter.last_error
    status = page(candidate.get(f"/decisions/{decision.id}")).select_one("#letter")
    assert "could not be prepared" in status.get_text()
    assert not status.has_attr("hx-get")
    assert status.select_one("button").get_text(strip=True) == (
        "Try again to prepare your outcome letter (PDF)")
    candidate.post(f"/decisions/{decision.id}/letter")
    letter = _letter()
    assert letter.state == LetterState.READY and letter.last_error is None


def test_a_corrected_decision_has_no_letter(app, council, panel_with_item):
    from datetime import date

    from portal.panels import corrections, decisions

    _panel, item = panel_with_item
    original = _decide(council, item)
    candidate = _client(app, item.portfolio.candidate)
    candidate.post(f"/decisions/{original.id}/letter")
    details = decisions.DecisionDetails(code="approved", rationale="Better.",
                                        domain_ids=[d.id for d in _domains(item)[:2]])
    corrections.correct_decision(council["chair"], original, details, "Wrong code", date.today())
    db.session.commit()
    assert candidate.get(f"/decisions/{original.id}/letter.pdf").status_code == 404
    assert candidate.post(f"/decisions/{original.id}/letter").status_code == 404


def _letter_jobs() -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.execute(text(
            "SELECT task_name, args FROM procrastinate_jobs "
            "WHERE task_name = 'panels.build_letter' ORDER BY id")).all()


def test_on_postgresql_the_request_queues_the_job_with_the_letter(
        app, council, panel_with_item, postgres_queue):
    _panel, item = panel_with_item
    decision = _decide(council, item)
    candidate = _client(app, item.portfolio.candidate)
    assert candidate.post(f"/decisions/{decision.id}/letter").status_code == 303
    letter = _letter()
    assert letter.state == LetterState.QUEUED
    assert _letter_jobs() == [("panels.build_letter", {"letter_id": letter.id})]
    # What the worker runs:
    letters.build_letter(letter_id=letter.id)
    assert _letter().state == LetterState.READY
    assert candidate.get(f"/decisions/{decision.id}/letter.pdf").data.startswith(b"%PDF")
