"""Input an attacker controls must give a clear 4xx, never a server error."""

import io

import pytest

from portal.core.db import db
from portal.evidence.models import EvidenceDraft
from tests import factories
from tests.conftest import sign_in

HUGE = "9" * 30  # larger than any 64-bit database integer


@pytest.fixture
def no_propagation(app):
    """Let the app turn exceptions into its 500 page, as in production."""
    app.testing, propagate = False, app.config.get("PROPAGATE_EXCEPTIONS")
    app.config["PROPAGATE_EXCEPTIONS"] = False
    yield
    app.testing = True
    app.config["PROPAGATE_EXCEPTIONS"] = propagate


@pytest.mark.parametrize("url", [
    f"/evidence/?page={HUGE}",
    f"/evidence/?element={HUGE}",
    f"/evidence/{HUGE}",
    f"/evidence/{HUGE}/attachments",
])
def test_huge_numbers_in_evidence_urls_are_not_server_errors(client, org, no_propagation, url):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    assert client.get(url).status_code < 500


def test_a_huge_number_in_a_draft_key_is_not_a_server_error(client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    assert client.htmx_post(f"/evidence/drafts/entry-{HUGE}",
                            data={"title": "x"}).status_code < 500


@pytest.mark.parametrize("url", [f"/admin/users/?page={HUGE}", f"/admin/users/{HUGE}"])
def test_huge_numbers_in_admin_urls_are_not_server_errors(client, org, no_propagation, url):
    sign_in(client, factories.user(org, roles=["administrator"]))
    assert client.get(url).status_code < 500


def test_one_entry_has_one_edit_draft_whatever_the_key_spelling(client, org):
    """`entry-7`, `entry-07`, `entry-007`... all pass the check for entry 7 and each makes
    a new draft row (on PostgreSQL a long enough key overflows the column: a 500)."""
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    entry = factories.evidence_entry(user)
    db.session.commit()
    for key in (f"entry-{entry.id}", f"entry-0{entry.id}", f"entry-{'0' * 30}{entry.id}"):
        response = client.htmx_post(f"/evidence/drafts/{key}", data={"title": "typing"})
        assert response.status_code in {200, 404}
    drafts = db.session.scalar(db.select(db.func.count(EvidenceDraft.id)))
    assert drafts <= 1


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
