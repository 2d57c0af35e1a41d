"""One-time feedback links for people without an account."""

import hashlib
import re
import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.assessment.models import FeedbackRequest
from portal.assessment.outside_feedback import operations as outside
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.audit import AuditEvent
from portal.core.db import db, utcnow
from portal.core.forms import new_form_key
from portal.evidence.models import EvidenceEntry
from portal.notifications.models import Notification
from portal.portfolios.models import PortfolioEntry
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio

LINK = re.compile(r"http://localhost/give-feedback\?token=([A-Za-z0-9_-]+)")
ANSWERS = {"who": "A family member or carer", "went_well": "She listened to my son.",
           "could_be_better": "Call back sooner.", "rating": "Good", "consent": "y"}


@pytest.fixture
def candidate(org):
    return factories.user(org, roles=["candidate"], name="Samira Okafor-Lewis")


def _make_link(client, kind="lived_experience", label="Parent after review meeting"):
    """Create a link through the page; returns (response, secret)."""
    response = client.post("/feedback-requests", data={"kind": kind, "label": label})
    assert response.status_code == 200, response.get_data(as_text=True)[:1000]
    match = LINK.search(response.get_data(as_text=True))
    assert match, "the new link is shown"
    return response, match.group(1)


def _signed_in_link(client, candidate, **kwargs):
    sign_in(client, candidate)
    _response, secret = _make_link(client, **kwargs)
    client.post("/sign-out")
    return secret


def _entries(candidate):
    db.session.expire_all()
    return db.session.scalars(select(EvidenceEntry).where(
        EvidenceEntry.candidate_id == candidate.id)).all()


def _request():
    db.session.expire_all()
    return db.session.scalars(select(FeedbackRequest)).one()


# Making links --------------------------------------------------------------------------
def test_a_candidate_makes_a_link_shown_once_and_only_its_hash_is_kept(client, candidate):
    sign_in(client, candidate)
    response, secret = _make_link(client)
    soup = page(response)
    assert soup.select_one("#feedback-link")["value"].endswith(f"/give-feedback?token={secret}")
    assert "not be able to see it again" in soup.get_text()
    assert_no_duplicate_ids(soup)

    link = _request()
    assert link.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert link.kind == "lived_experience" and link.candidate_id == candidate.id
    assert link.created_by_id == candidate.id
    assert timedelta(days=29, hours=23) < link.expires_at - utcnow() <= timedelta(days=30)
    # The secret is nowhere in the database, and never on the list page again.
    for row in db.session.scalars(select(AuditEvent)).all():
        assert secret not in str(row.details) and "Parent after" not in str(row.details)
    listing = client.get("/feedback-requests").get_data(as_text=True)
    assert secret not in listing
    assert "Parent after review meeting" in listing and "Waiting" in listing


def test_the_form_sent_twice_makes_one_link(client, candidate):
    sign_in(client, candidate)
    data = {"kind": "lived_experience", "label": "Parent after review meeting",
            "form_key": new_form_key()}
    assert client.post("/feedback-requests", data=data).status_code == 200
    repeat = client.post("/feedback-requests", data=data)
    assert repeat.status_code == 303
    assert repeat.headers["Location"].endswith("/feedback-requests")
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(FeedbackRequest)) == 1


def test_the_link_uses_the_configured_base_url(app, client, candidate):
    app.config["PORTAL_BASE_URL"] = "https://portal.council.example"
    try:
        sign_in(client, candidate)
        response = client.post("/feedback-requests",
                               data={"kind": "colleague", "label": "School nurse"})
        assert "https://portal.council.example/give-feedback?token=" in response.get_data(
            as_text=True)
    finally:
        app.config["PORTAL_BASE_URL"] = ""


def test_link_lifetime_comes_from_settings(app, client, candidate):
    app.config["FEEDBACK_LINK_DAYS"] = 7
    try:
        sign_in(client, candidate)
        _make_link(client)
    finally:
        app.config["FEEDBACK_LINK_DAYS"] = 30
    assert _request().expires_at - utcnow() <= timedelta(days=7)


@pytest.mark.parametrize(("data", "message"), [
    ({"label": "x"}, "Select who the feedback is from"),
    ({"kind": "lived_experience", "label": ""}, "Enter a note to help you remember who this "
                                                "link is for"),
    ({"kind": "lived_experience", "label": "x" * 121}, "Note must be 120 characters or fewer"),
    ({"kind": "manager", "label": "x"}, "Not a valid choice."),
])
def test_making_a_link_checks_the_form(client, candidate, data, message):
    sign_in(client, candidate)
    response = client.post("/feedback-requests", data=data)
    assert response.status_code == 400
    assert message in error_summary(page(response))
    assert db.session.scalar(select(func.count(FeedbackRequest.id))) == 0


def test_only_candidates_have_the_page(client, org):
    sign_in(client, factories.user(org, roles=["assessor"]))
    assert client.get("/feedback-requests").status_code == 403


def test_the_current_assessor_makes_a_link_for_their_candidate(client, org, candidate):
    lead = factories.user(org, roles=["programme_lead"])
    assessor = factories.user(org, roles=["assessor"])
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date.today())
    sign_in(client, assessor)
    assert client.get(f"/feedback-requests/for/{candidate.id}").status_code == 200
    response = client.post(f"/feedback-requests/for/{candidate.id}",
                           data={"kind": "colleague", "label": "Health visitor"})
    assert response.status_code == 200
    assert LINK.search(response.get_data(as_text=True))
    link = _request()
    assert (link.candidate_id, link.created_by_id) == (candidate.id, assessor.id)


def test_an_unassigned_or_previous_assessor_gets_404(client, org, candidate):
    lead = factories.user(org, roles=["programme_lead"])
    stranger = factories.user(org, roles=["assessor"])
    previous = factories.user(org, roles=["assessor"])
    assign(lead, candidate, previous, AssignmentRole.ASSESSOR, date.today())
    assign(lead, candidate, factories.user(org, roles=["assessor"]), AssignmentRole.ASSESSOR,
           date.today() + timedelta(days=1))
    for person in (stranger, previous):
        sign_in(client, person)
        assert client.get(f"/feedback-requests/for/{candidate.id}").status_code == 404
        assert client.post(f"/feedback-requests/for/{candidate.id}",
                           data={"kind": "colleague", "label": "x"}).status_code == 404
        client.post("/sign-out")
    assert client.get("/feedback-requests/for/999999").status_code in {303, 404}
    assert db.session.scalar(select(func.count(FeedbackRequest.id))) == 0


# Cancelling ----------------------------------------------------------------------------
def test_a_cancelled_link_stops_working(client, candidate):
    sign_in(client, candidate)
    _response, secret = _make_link(client)
    link_id = _request().id
    response = client.post(f"/feedback-requests/{link_id}/cancel")
    assert response.status_code == 303
    assert _request().cancelled_at is not None
    assert "Cancelled" in client.get("/feedback-requests").get_data(as_text=True)
    client.post("/sign-out")
    response = client.get(f"/give-feedback/{secret}", follow_redirects=True)
    assert response.status_code == 404
    assert "This link has expired or has already been used" in response.get_data(as_text=True)


def test_another_candidate_cannot_cancel_my_link(client, org, candidate):
    sign_in(client, candidate)
    _make_link(client)
    link_id = _request().id
    client.post("/sign-out")
    sign_in(client, factories.user(org, roles=["candidate"]))
    assert client.post(f"/feedback-requests/{link_id}/cancel").status_code == 404
    assert _request().cancelled_at is None


# The public form -------------------------------------------------------------------------
def test_the_public_form_is_plain_and_reaches_nothing_else(client, candidate):
    secret = _signed_in_link(client, candidate)
    fresh = client.application.test_client()
    response = fresh.get(f"/give-feedback/{secret}", follow_redirects=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    soup = page(response)
    text = soup.get_text()
    assert "Tell us about your experience with Samira" in text
    assert "Please do not include names" in text
    assert "I agree that this feedback can be used in Samira’s professional development " \
           "portfolio" in text
    # Only the first name: no surname, no private note, no council.
    assert "Okafor" not in response.get_data(as_text=True)
    assert "Parent after" not in response.get_data(as_text=True)
    assert candidate.organisation.name not in text
    # No navigation and no links into the portal: only the skip link to the form itself,
    # and the public privacy notice (the person giving feedback is told how it is used).
    assert soup.select("nav") == []
    hrefs = [a["href"] for a in soup.select("a[href]")]
    assert all(h.startswith("#") or h == "/privacy" for h in hrefs), hrefs
    form = soup.select_one("main form")
    assert form.get("action") in (None, "")
    assert form.select_one("input[name=csrf_token]") is not None
    assert_no_duplicate_ids(soup)


def test_the_colleague_form_asks_for_a_role(client, candidate):
    secret = _signed_in_link(client, candidate, kind="colleague", label="Nurse")
    visitor = client.application.test_client()
    soup = page(visitor.get(f"/give-feedback/{secret}", follow_redirects=True))
    assert soup.select_one("input[name=who][type=text]") is not None


def _radio_questions(soup) -> list[str]:
    """The legend of every group of radios; a group without one reads as ''."""
    groups = {radio.find_parent("fieldset") for radio in soup.select("input[type=radio]")}
    assert None not in groups, "every group of radios sits in a fieldset"
    return [group.legend.get_text(strip=True) if group.legend else "" for group in groups]


@pytest.mark.parametrize("kind", ["lived_experience", "colleague"])
def test_every_group_of_radios_has_its_question(client, candidate, kind):
    """A person without an account sees a question above each set of choices, on the
    first visit and when the form comes back with problems; so does the link maker."""
    sign_in(client, candidate)
    assert sorted(_radio_questions(page(client.get("/feedback-requests")))) == [
        "Who is the feedback from?"]
    _response, secret = _make_link(client, kind=kind)
    client.post("/sign-out")
    public = client.application.test_client()
    expected = ["Overall, how was Samira? (optional)"]
    if kind == "lived_experience":
        expected.append("Who are you? (optional)")
    first = page(public.get(f"/give-feedback/{secret}", follow_redirects=True))
    again = page(public.post(f"/give-feedback/{secret}", data={"rating": "Good"}))
    for soup in (first, again):
        assert sorted(_radio_questions(soup)) == sorted(expected)


def test_feedback_is_recorded_once_as_evidence(client, candidate):
    secret = _signed_in_link(client, candidate)
    visitor = client.application.test_client()
    response = visitor.post(f"/give-feedback/{secret}", data=ANSWERS)
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    # Nothing into the portal: only the public privacy notice.
    assert [a["href"] for a in page(response).select("a[href]")
            if not a["href"].startswith("#")] == ["/privacy"]

    [entry] = _entries(candidate)
    assert entry.evidence_type == "lived_experience_feedback"
    assert entry.title == "Feedback from a person who uses services (via link)"
    assert "She listened to my son." in entry.reflection
    assert "Call back sooner." in entry.reflection
    assert "Consent: given" in entry.reflection
    assert entry.anonymised_confirmed is False
    link = _request()
    assert link.used_at is not None and link.entry_id == entry.id
    note = db.session.scalars(select(Notification).where(
        Notification.recipient_id == candidate.id)).all()[-1]
    assert note.link == f"/evidence/{entry.id}"

    # Works once: the page and the form are gone.
    for again in (visitor.get(f"/give-feedback/{secret}", follow_redirects=True),
                  visitor.post(f"/give-feedback/{secret}", data=ANSWERS)):
        assert again.status_code == 404
        assert "This link has expired or has already been used" in again.get_data(
            as_text=True)
    assert len(_entries(candidate)) == 1


def test_two_submits_with_one_link_record_one_entry(client, candidate):
    secret = _signed_in_link(client, candidate)
    first, second = (client.application.test_client() for _ in range(2))
    # Both opened the form while it still worked.
    assert first.get(f"/give-feedback/{secret}", follow_redirects=True).status_code == 200
    assert second.get(f"/give-feedback/{secret}", follow_redirects=True).status_code == 200
    assert first.post(f"/give-feedback/{secret}", data=ANSWERS).status_code == 200
    assert second.post(f"/give-feedback/{secret}", data=ANSWERS).status_code == 404
    assert len(_entries(candidate)) == 1


def test_the_conditional_update_claims_a_link_only_once(candidate):
    """Two requests that both loaded the link: the second claim changes no row."""
    link, secret = outside.create_request(candidate, candidate, outside.OutsideKind.COLLEAGUE,
                                          "Nurse", 30)
    db.session.commit()
    loaded_by_first = outside.open_request(secret)
    answers = outside.OutsideAnswers(who="Nurse", went_well="Good", could_be_better="",
                                     rating="", consent=True)
    assert outside.submit_feedback(loaded_by_first, answers) is not None
    db.session.commit()
    # The second request loaded the link before the first committed.
    assert outside.submit_feedback(link, answers) is None
    db.session.rollback()
    assert len(_entries(candidate)) == 1


def test_an_expired_link_gets_the_same_page(client, candidate):
    secret = _signed_in_link(client, candidate)
    link = _request()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    visitor = client.application.test_client()
    for response in (visitor.get(f"/give-feedback/{secret}", follow_redirects=True),
                     visitor.post(f"/give-feedback/{secret}", data=ANSWERS)):
        assert response.status_code == 404
        assert "This link has expired or has already been used" in response.get_data(
            as_text=True)
    assert _entries(candidate) == []
    sign_in(client, candidate)
    assert "Expired" in client.get("/feedback-requests").get_data(as_text=True)


@pytest.mark.parametrize("token", ["nonsense", "x" * 500, "%3Cscript%3E"])
def test_unknown_links_get_the_same_page(client, token):
    response = client.get(f"/give-feedback/{token}", follow_redirects=True)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "This link has expired or has already been used" in html
    assert "<script>" not in html
    assert page(response).select("nav") == []


def test_a_deactivated_candidates_link_stops_working(client, candidate):
    secret = _signed_in_link(client, candidate)
    candidate.active = False
    db.session.commit()
    assert client.get(f"/give-feedback/{secret}", follow_redirects=True).status_code == 404


def test_consent_is_required_and_answers_are_kept(client, candidate):
    secret = _signed_in_link(client, candidate)
    visitor = client.application.test_client()
    data = {**ANSWERS}
    del data["consent"]
    response = visitor.post(f"/give-feedback/{secret}", data=data)
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == ["Tick the box to agree that your feedback can be used"]
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one("textarea[name=went_well]").get_text() == "She listened to my son."
    assert soup.select_one("input[name=rating][value=Good]").has_attr("checked")
    assert _entries(candidate) == []
    assert _request().used_at is None
    # It still works afterwards.
    assert visitor.post(f"/give-feedback/{secret}", data=ANSWERS).status_code == 200


def test_some_feedback_is_required(client, candidate):
    secret = _signed_in_link(client, candidate)
    response = client.application.test_client().post(
        f"/give-feedback/{secret}", data={"consent": "y", "went_well": " ",
                                          "could_be_better": ""})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Tell us what went well or what could be better"]


def test_the_public_form_needs_its_csrf_token(client, candidate):
    secret = _signed_in_link(client, candidate)
    response = client.application.test_client().post(f"/give-feedback/{secret}", data=ANSWERS,
                                                     csrf=False)
    assert response.status_code == 400
    assert _entries(candidate) == []


def test_the_public_form_is_rate_limited_per_address(client, candidate):
    secret = _signed_in_link(client, candidate)
    visitor = client.application.test_client()
    statuses = [visitor.post(f"/give-feedback/{secret}", data={"went_well": ""}).status_code
                for _ in range(21)]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_typed_text_is_escaped_everywhere(client, candidate):
    script = '<script>alert("x")</script>'
    sign_in(client, candidate)
    _response, secret = _make_link(client, label=f"Label {script}")
    listing = client.get("/feedback-requests").get_data(as_text=True)
    assert script not in listing and "&lt;script&gt;" in listing
    client.post("/sign-out")

    visitor = client.application.test_client()
    hostile = {**ANSWERS, "who": "Someone else", "went_well": f"Went {script}",
               "could_be_better": '<img src=x onerror="alert(1)">'}
    del hostile["consent"]
    response = visitor.post(f"/give-feedback/{secret}", data=hostile)
    html = response.get_data(as_text=True)
    assert script not in html and "<img src=x" not in html
    hostile["consent"] = "y"
    response = visitor.post(f"/give-feedback/{secret}", data=hostile)
    assert response.status_code == 200

    [entry] = _entries(candidate)
    sign_in(client, candidate)
    html = client.get(f"/evidence/{entry.id}").get_data(as_text=True)
    assert script not in html and "<img src=x" not in html
    assert "Went &lt;script&gt;" in html


# The portfolio -------------------------------------------------------------------------
def test_the_feedback_lands_in_the_matching_portfolio_section(client, org):
    portfolio = make_portfolio(org)
    candidate = portfolio.candidate
    secret = _signed_in_link(client, candidate, kind="colleague", label="Nurse")
    response = client.application.test_client().post(
        f"/give-feedback/{secret}", data={"who": "School nurse", "went_well": "Clear plan",
                                          "consent": "y"})
    assert response.status_code == 200
    [entry] = _entries(candidate)
    assert entry.evidence_type == "colleague_feedback"
    item = db.session.scalars(select(PortfolioEntry).where(
        PortfolioEntry.entry_id == entry.id)).one()
    assert (item.portfolio_id, item.section) == (portfolio.id, "colleague-feedback")
    assert "Their role: School nurse" in entry.reflection


def test_without_a_portfolio_the_feedback_stays_in_the_log(client, candidate):
    secret = _signed_in_link(client, candidate)
    client.application.test_client().post(f"/give-feedback/{secret}", data=ANSWERS)
    assert len(_entries(candidate)) == 1
    assert db.session.scalar(select(func.count(PortfolioEntry.id))) == 0


def test_simultaneous_submits_from_two_threads_record_one_entry(app, candidate):
    """Both requests load the link before either claims it; the database lets one win."""
    _link, secret = outside.create_request(candidate, candidate,
                                           outside.OutsideKind.COLLEAGUE, "Nurse", 30)
    db.session.commit()
    candidate_id = candidate.id
    both_loaded = threading.Barrier(2, timeout=10)
    results = []

    def submit():
        with app.app_context():
            try:
                link = outside.open_request(secret)
                both_loaded.wait()
                entry = outside.submit_feedback(link, outside.OutsideAnswers(
                    who="", went_well="Good", could_be_better="", rating="", consent=True))
                db.session.commit()
                results.append(entry is not None)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert sorted(results) == [False, True]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(EvidenceEntry.id)).where(
        EvidenceEntry.candidate_id == candidate_id)) == 1


# The secret leaves the address ---------------------------------------------------------
def test_the_link_moves_its_secret_out_of_the_address_on_first_use(client, candidate):
    secret = _signed_in_link(client, candidate)
    visitor = client.application.test_client()
    opened = visitor.get(f"/give-feedback?token={secret}")
    assert opened.status_code == 303
    assert opened.headers["Location"] == "/give-feedback"
    assert opened.headers["Cache-Control"] == "no-store"
    shown = visitor.get("/give-feedback")
    assert shown.status_code == 200
    assert secret not in shown.get_data(as_text=True)
    sent = visitor.post("/give-feedback", data=ANSWERS)
    assert sent.status_code == 200
    assert [entry.title for entry in _entries(candidate)] != []
    with visitor.session_transaction() as session:
        assert "feedback_link_token" not in session
    assert visitor.get("/give-feedback").status_code == 404


def test_the_form_without_a_link_is_the_same_gone_page(client):
    response = client.get("/give-feedback")
    assert response.status_code == 404
    assert "This link has expired or has already been used" in response.get_data(as_text=True)
