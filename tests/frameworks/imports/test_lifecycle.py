"""A draft's elements are checked, then the version is activated; active can be retired.
Only administrators change frameworks, and every change needs its CSRF token."""

import pytest
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.models import Framework
from tests.conftest import assert_no_duplicate_ids, page
from tests.frameworks.helpers import make_framework

PLACEHOLDER = "Section 2 (title not confirmed)"


@pytest.fixture
def draft(app):
    elements = [
        {"code": "1", "title": "Standard one", "description": "d", "verified": True},
        {"code": "2", "title": PLACEHOLDER, "description": "d", "verified": False},
    ]
    framework = make_framework(code="ecs-test", version="2026", status="draft",
                               elements=elements)
    db.session.commit()
    return framework


def _element(framework: Framework, code: str):
    return next(e for e in framework.elements if e.code == code)


def _actions(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_sees_the_marks_and_check_links_on_a_draft(client, as_role, draft):
    as_role(Role.SERVICE_ADMINISTRATOR)
    soup = page(client.get(f"/frameworks/{draft.id}"))
    assert PLACEHOLDER in soup.get_text()
    assert "Not yet checked against the publisher's wording" in soup.get_text()
    links = [a["href"] for a in soup.select("a") if a.get_text(strip=True).startswith("Check")]
    assert f"/frameworks/{draft.id}/activate" in links
    assert f"/frameworks/{draft.id}/elements/{_element(draft, '2').id}" in links
    assert_no_duplicate_ids(soup)


def test_activation_is_refused_while_an_element_is_unchecked(client, as_role, draft):
    as_role(Role.SERVICE_ADMINISTRATOR)
    listed = page(client.get(f"/frameworks/{draft.id}/activate")).select("main li a")
    assert [a.get_text(strip=True) for a in listed] == [
        "Element 2 has not been checked against the publisher's text"]
    response = client.post(f"/frameworks/{draft.id}/activate")
    assert response.status_code == 400
    assert page(response).title.get_text().startswith("Error: ")
    db.session.expire_all()
    assert db.session.get(Framework, draft.id).status == "draft"


def test_an_empty_draft_cannot_be_activated(client, as_role):
    empty = make_framework(code="ecs-child-family", version="2026", status="draft", elements=[])
    db.session.commit()
    as_role(Role.SERVICE_ADMINISTRATOR)
    response = client.post(f"/frameworks/{empty.id}/activate")
    assert response.status_code == 400
    assert "has no elements yet" in response.get_data(as_text=True)


def test_checking_each_element_then_activating(client, as_role, draft):
    admin = as_role(Role.SERVICE_ADMINISTRATOR)
    url = f"/frameworks/{draft.id}/elements/{_element(draft, '2').id}"
    form = page(client.get(url))
    assert form.select_one("#title")["value"] == PLACEHOLDER
    refused = client.post(url, data={"title": PLACEHOLDER, "description": "", "verified": "y"})
    assert refused.status_code == 400
    assert "Replace the placeholder" in page(refused).get_text()
    saved = client.post(url, data={"title": "Standard two", "description": "Two.",
                                   "verified": "y"})
    assert saved.status_code == 303
    assert client.post(f"/frameworks/{draft.id}/activate").status_code == 303
    db.session.expire_all()
    framework = db.session.get(Framework, draft.id)
    assert (framework.status, _element(framework, "2").title) == ("active", "Standard two")
    edit, = _actions("framework_element_edited")
    assert edit.actor_id == admin.id and edit.details["previous"]["title"] == PLACEHOLDER
    status, = _actions("framework_status_changed")
    assert (status.actor_id, status.details["status"]) == (admin.id, "active")
    # An active version's words no longer change.
    assert client.get(url).status_code == 404


def test_a_blank_title_keeps_what_was_typed(client, as_role, draft):
    as_role(Role.SERVICE_ADMINISTRATOR)
    url = f"/frameworks/{draft.id}/elements/{_element(draft, '1').id}"
    response = client.post(url, data={"title": " ", "description": "Kept words"})
    assert response.status_code == 400
    assert "Enter the element's title" in page(response).select_one(".govuk-error-summary").text
    assert "Kept words" in page(response).select_one("#description").get_text()


def test_an_element_of_another_framework_is_not_found(client, as_role, draft):
    other = make_framework(code="other", status="draft")
    db.session.commit()
    as_role(Role.SERVICE_ADMINISTRATOR)
    assert client.get(f"/frameworks/{draft.id}/elements/{other.elements[0].id}").status_code == 404
    assert client.get(f"/frameworks/{draft.id}/elements/999999").status_code == 404
    assert client.get("/frameworks/999999/activate").status_code == 404


def test_retiring_an_active_version(client, as_role):
    active = make_framework()
    db.session.commit()
    admin = as_role(Role.SERVICE_ADMINISTRATOR)
    confirm = page(client.get(f"/frameworks/{active.id}/retire"))
    assert confirm.h1.get_text(strip=True).startswith("Retire")
    assert client.post(f"/frameworks/{active.id}/retire").status_code == 303
    db.session.expire_all()
    assert db.session.get(Framework, active.id).status == "retired"
    assert _actions("framework_status_changed")[0].actor_id == admin.id
    # Retired is the end: asking again changes nothing.
    assert client.post(f"/frameworks/{active.id}/retire").status_code == 303
    assert len(_actions("framework_status_changed")) == 1


def _urls(framework: Framework) -> list[tuple[str, str]]:
    element = framework.elements[0].id
    return [("get", "/frameworks/import"), ("post", "/frameworks/import"),
            ("post", "/frameworks/import/save"),
            ("get", f"/frameworks/{framework.id}/elements/{element}"),
            ("post", f"/frameworks/{framework.id}/elements/{element}"),
            ("get", f"/frameworks/{framework.id}/activate"),
            ("post", f"/frameworks/{framework.id}/activate"),
            ("get", f"/frameworks/{framework.id}/retire"),
            ("post", f"/frameworks/{framework.id}/retire")]


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROGRAMME_LEAD, Role.CANDIDATE,
                                  Role.ASSESSOR])
def test_only_administrators_change_frameworks(client, as_role, draft, role):
    """Frameworks are national: even a programme lead, who reads them, changes nothing."""
    as_role(role)
    for method, url in _urls(draft):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    db.session.expire_all()
    assert db.session.get(Framework, draft.id).status == "draft"


def test_signed_out_visitors_are_sent_to_sign_in(client, draft):
    for method, url in _urls(draft):
        response = getattr(client, method)(url, **({"csrf": False} if method == "post" else {}))
        assert response.status_code in (303, 400), (method, url)


def test_every_change_needs_its_csrf_token(client, as_role, draft):
    as_role(Role.SERVICE_ADMINISTRATOR)
    element = _element(draft, "1").id
    for url, data in [
        ("/frameworks/import/save", {"file_name": "f.csv", "file_text": "x"}),
        (f"/frameworks/{draft.id}/elements/{element}", {"title": "Changed", "verified": "y"}),
        (f"/frameworks/{draft.id}/activate", {}),
        (f"/frameworks/{draft.id}/retire", {}),
    ]:
        assert client.post(url, data=data, csrf=False).status_code == 400, url
    db.session.expire_all()
    assert _element(db.session.get(Framework, draft.id), "1").title == "Standard one"
