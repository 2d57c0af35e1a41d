"""Names typed by one person are shown to others in flash messages, which htmx swaps in out
of band: they must arrive as text, never markup."""

from datetime import date

from portal.core.db import db
from tests import factories
from tests.conftest import sign_in

XSS = '<img src=x onerror=alert(1)>"><svg onload=alert(2)>'


def _assert_inert(body: str) -> None:
    assert "<img src=x" not in body
    assert "<svg onload" not in body


def test_a_new_users_name_in_the_flash_message_is_escaped(client, org):
    sign_in(client, factories.user(org, roles=["administrator"]))
    response = client.htmx_post("/admin/users/new", data={
        "name": XSS, "email": "sam.reid@example.org", "team_id": "", "roles": ["candidate"]})
    assert response.status_code == 204
    # The next page, full and as an htmx fragment with the out-of-band live region.
    _assert_inert(client.get("/admin/users/").get_data(as_text=True))
    client.htmx_post("/admin/users/new", data={
        "name": XSS, "email": "sam.reid2@example.org", "team_id": "", "roles": ["candidate"]})
    fragment = client.htmx_get("/admin/users/").get_data(as_text=True)
    assert 'hx-swap-oob="true"' in fragment
    _assert_inert(fragment)


def test_a_cohort_name_and_candidate_name_are_escaped_in_messages_and_lists(client, org):
    lead = factories.user(org, roles=["programme_lead"])
    candidate = factories.user(org, roles=["candidate"], name=XSS)
    cohort = factories.cohort(org, name=XSS, start=date(2026, 9, 7))
    db.session.commit()
    sign_in(client, lead)
    _assert_inert(client.get(f"/cohorts/{cohort.id}").get_data(as_text=True))
    response = client.htmx_post(f"/cohorts/{cohort.id}/candidates",
                                data={"candidate_email": candidate.email})
    assert response.status_code == 204
    _assert_inert(client.htmx_get(f"/cohorts/{cohort.id}").get_data(as_text=True))
    _assert_inert(client.get("/cohorts/").get_data(as_text=True))


def test_a_draft_put_back_into_the_form_is_escaped(client, org):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    client.htmx_post("/evidence/drafts/new", data={
        "title": XSS, "reflection": "</textarea>" + XSS, "links-0-reason": XSS})
    body = client.get("/evidence/new").get_data(as_text=True)
    _assert_inert(body)
    assert "</textarea><img" not in body
