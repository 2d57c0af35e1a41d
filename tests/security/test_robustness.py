"""Input an attacker controls must give a clear 4xx (or be ignored), never a server error,
and must change nothing.

Two kinds of number slip past naive checks: `str.isdigit()` is True for characters that
`int()` refuses (superscripts such as '²', circled digits...), and a 30-digit number passes
both but overflows the database integer when it is used to load a row.
"""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.core.db import db
from portal.evidence.models import EvidenceDraft
from portal.panels import decisions
from portal.panels import operations as panels
from portal.panels.models import AgendaItem, PanelDecision
from portal.portfolios.models import ProtectedTimeRecord
from portal.programmes import building
from portal.programmes.models import ComponentRequirement
from tests import factories
from tests.conftest import error_summary, page, sign_in
from tests.panels.conftest import ready_for_panel
from tests.portfolios.conftest import make_portfolio

HUGE = "9" * 30  # larger than any 64-bit database integer
SUPERSCRIPT_TWO = "\u00b2"  # '²': isdigit() is True, int() raises ValueError
BAD_REQUEST = "There was a problem with your request"
NOT_FOUND = "Page not found"


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _heading(response) -> str:
    return page(response).h1.get_text(" ", strip=True)


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Evidence and administration URLs -------------------------------------------------------
@pytest.mark.parametrize("url", [f"/evidence/{HUGE}", f"/evidence/{HUGE}/attachments"])
def test_a_huge_evidence_id_is_not_found(client, org, no_propagation, url):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    response = client.get(url)
    assert response.status_code == 404
    assert _heading(response) == NOT_FOUND


def test_a_huge_page_of_the_evidence_log_is_an_empty_page(client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    factories.evidence_entry(user, title="Home visit with the family")
    sign_in(client, user)
    response = client.get(f"/evidence/?page={HUGE}")
    assert response.status_code == 200
    text = page(response).select_one("main").get_text(" ", strip=True)
    assert "1 entry" in text and "Home visit with the family" not in text


def test_a_huge_element_filter_on_the_evidence_log_is_ignored(client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    factories.evidence_entry(user, title="Home visit with the family")
    sign_in(client, user)
    response = client.get(f"/evidence/?element={HUGE}")
    assert response.status_code == 200
    assert "Home visit with the family" in page(response).select_one("main").get_text()


def test_a_huge_number_in_a_draft_key_saves_no_draft(client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    response = client.htmx_post(f"/evidence/drafts/entry-{HUGE}", data={"title": "x"})
    assert response.status_code == 404
    assert "The draft could not be saved." in response.get_data(as_text=True)
    assert _count(EvidenceDraft) == 0


def test_one_entry_has_one_edit_draft_whatever_the_key_spelling(client, org):
    """`entry-7`, `entry-07`, `entry-007`... all pass the check for entry 7 and each makes
    a new draft row (on PostgreSQL a long enough key overflows the column: a 500)."""
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    entry = factories.evidence_entry(user)
    db.session.commit()
    saved = client.htmx_post(f"/evidence/drafts/entry-{entry.id}", data={"title": "typing"})
    assert saved.status_code == 200
    assert "Draft saved" in saved.get_data(as_text=True)
    for key in (f"entry-0{entry.id}", f"entry-{'0' * 30}{entry.id}"):
        response = client.htmx_post(f"/evidence/drafts/{key}", data={"title": "typing"})
        assert response.status_code == 404, key
        assert "The draft could not be saved." in response.get_data(as_text=True)
    keys = db.session.scalars(select(EvidenceDraft.draft_key)).all()
    assert keys == [f"entry-{entry.id}"]


def test_a_huge_page_of_the_user_list_is_an_empty_page(client, org, no_propagation):
    sign_in(client, factories.user(org, roles=["administrator"], name="Ada Administrator"))
    response = client.get(f"/admin/users/?page={HUGE}")
    assert response.status_code == 200
    text = page(response).select_one("main").get_text(" ", strip=True)
    assert "1 person" in text and "Ada Administrator" not in text


def test_a_huge_user_id_is_not_found(client, org, no_propagation):
    sign_in(client, factories.user(org, roles=["administrator"]))
    response = client.get(f"/admin/users/{HUGE}")
    assert response.status_code == 404
    assert _heading(response) == NOT_FOUND


# Importing users from a CSV file --------------------------------------------------------
def _import(client, text: str):
    return client.post("/admin/users/import",
                       data={"csv_file": (io.BytesIO(text.encode()), "people.csv")},
                       content_type="multipart/form-data")


def test_a_csv_with_one_enormous_cell_is_explained(client, org, no_propagation):
    """Python's csv module refuses a field over 128 KB with csv.Error, which is not caught."""
    sign_in(client, factories.user(org, roles=["administrator"]))
    text = "name,email,roles\n" + "A" * 200_000 + ",a.person@example.org,candidate\n"
    response = _import(client, text)
    assert response.status_code == 400


def test_an_existing_address_spelt_differently_is_reported_not_a_server_error(
        client, org, no_propagation):
    """The 'already has an account' check compares the raw cell; the row is then normalised
    (NFC) and create_user's own check raises an uncaught AccountError."""
    factories.user(org, email="\u00e9lise@example.org")  # é as one code point
    sign_in(client, factories.user(org, roles=["administrator"]))
    response = _import(client, "name,email,roles\nElise,e\u0301lise@example.org,candidate\n")
    assert response.status_code == 400
    assert "already has an account" in response.get_data(as_text=True)


# Panel decisions and agendas -------------------------------------------------------------
def _domain_ids(item) -> list[str]:
    from portal.assessment.reports.operations import pcf_domains

    return [str(d.id) for d in pcf_domains(item.portfolio)[:2]]


def test_a_superscript_digit_for_the_decisions_version_records_nothing(
        app, council, panel_with_item, no_propagation):
    """The version guards against two chairs' submissions crossing; one that is not a
    number is a tampered form."""
    _panel, item = panel_with_item
    response = _client(app, council["chair"]).post(
        f"/decisions/record/{item.panel_id}/{item.id}",
        data={"version": SUPERSCRIPT_TWO, "code": "approved", "rationale": "Good.",
              "domain_ids": _domain_ids(item)})
    assert response.status_code == 400
    assert _heading(response) == BAD_REQUEST
    assert _count(PanelDecision) == 0
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).state == "waiting"


# A checkbox only sends the ids the page listed: anything else is refused with the same
# clear message as any unlisted domain, and everything typed is kept.
def test_a_superscript_digit_among_a_decisions_domains_is_refused_clearly(
        app, council, panel_with_item, no_propagation):
    _panel, item = panel_with_item
    domains = _domain_ids(item)
    response = _client(app, council["chair"]).post(
        f"/decisions/record/{item.panel_id}/{item.id}",
        data={"version": str(item.version), "code": "approved", "rationale": "Good.",
              "domain_ids": [*domains, SUPERSCRIPT_TWO]})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Choose only the PCF domains listed"]
    assert page(response).select_one("#rationale").get_text() == "Good."
    assert _count(PanelDecision) == 0


def test_a_superscript_digit_among_a_corrections_domains_is_refused_clearly(
        app, council, panel_with_item, no_propagation):
    _panel, item = panel_with_item
    domains = _domain_ids(item)
    decision = decisions.record_decision(
        council["chair"], item, item.version, decisions.DecisionDetails(
            code="approved", rationale="Good.", domain_ids=[int(d) for d in domains]),
        date.today())
    db.session.commit()
    response = _client(app, council["lead"]).post(f"/decisions/{decision.id}/correct", data={
        "code": "not-approved", "rationale": "Wrong.", "reason": "Typo",
        "domain_ids": [*domains, SUPERSCRIPT_TWO],
        "action_1-description": "Repeat the year", "action_1-owner": "Candidate",
        "action_1-due_on": ["1", "6", "2027"]})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Choose only the PCF domains listed"]
    assert _count(PanelDecision) == 1


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, HUGE])
def test_a_strange_portfolio_id_on_the_agenda_form_places_nothing(
        app, council, no_propagation, value):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = panels.create_panel(council["lead"], panels.PanelDetails(
        title="ASYE panel", sits_on=date(2027, 1, 20), chair_id=council["chair"].id,
        member_ids=[m.id for m in council["members"]], programme_ids=[portfolio.programme_id]))
    db.session.commit()
    response = _client(app, council["lead"]).post(f"/panels/{panel.id}/agenda",
                                                  data={"portfolio_id": value})
    assert response.status_code == 400
    assert _heading(response) == BAD_REQUEST
    assert _count(AgendaItem) == 0


# Programme settings and portfolio records ------------------------------------------------
def test_a_superscript_digit_in_programme_settings_is_explained_and_changes_nothing(
        app, org, no_propagation):
    lead = factories.user(org, roles=["programme_lead"])
    programme = building.new_version(lead, make_portfolio(org).programme)
    db.session.commit()
    data = {f"component-{c.id}": str(c.min_count) for c in programme.components}
    data.update({f"review-{p.id}": str(p.due_month) for p in programme.review_points})
    first, second = programme.components[:2]
    before = {c.id: c.min_count for c in programme.components}
    data[f"component-{first.id}"] = SUPERSCRIPT_TWO
    data[f"component-{second.id}"] = str(second.min_count + 1)  # valid, but not saved alone
    response = _client(app, lead).post(f"/programmes/{programme.id}", data=data)
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Enter a whole number"]
    db.session.expire_all()
    after = dict(db.session.execute(select(ComponentRequirement.id, ComponentRequirement.min_count)
                                    .where(ComponentRequirement.programme_id == programme.id))
                 .all())
    assert after == before


def test_a_superscript_digit_for_protected_time_hours_is_explained_and_saves_nothing(
        app, org, no_propagation):
    portfolio = make_portfolio(org)
    db.session.commit()
    client = _client(app, portfolio.candidate)
    response = client.post(f"/portfolios/{portfolio.id}/records/protected-time/new", data={
        "taken_on": ["2", "2", "2026"],
        "hours": SUPERSCRIPT_TWO, "minutes": "0", "activity": "Reading"})
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Hours must be a whole number, like 2"]
    assert _count(ProtectedTimeRecord) == 0
