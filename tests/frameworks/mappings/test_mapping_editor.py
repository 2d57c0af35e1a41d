"""The mapping editor: administrators map elements between two versions and remove them."""

import pytest
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.mappings import operations
from portal.frameworks.models import ElementMapping
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page


@pytest.fixture
def versions(app):
    """KSS 2018 (elements 1-3) and a newer KSS (elements 1-3), committed."""
    old = factories.framework("kss-child-family", "2018", title="KSS child and family")
    new = factories.framework("kss-child-family", "2027", title="KSS child and family")
    db.session.commit()
    return old, new


def _ids(framework, *codes):
    return [str(e.id) for e in framework.elements if e.code in codes]


def _pairs():
    return set(db.session.execute(
        select(ElementMapping.from_element_id, ElementMapping.to_element_id)).all())


def _add(client, old, new, from_codes, to_codes, note="", **extra):
    url = f"/frameworks/mappings/{old.id}/{new.id}"
    key = page(client.get(url)).select_one("input[name=form_key]")["value"]
    data = {"form_key": key, "from_element_ids": _ids(old, *from_codes),
            "to_element_ids": _ids(new, *to_codes), "note": note, **extra}
    return client.post(url, data=data)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.PROGRAMME_LEAD, Role.CANDIDATE,
                                  Role.ASSESSOR])
def test_only_administrators_edit_mappings(as_role, client, versions, role):
    old, new = versions
    as_role(role)
    assert client.get("/frameworks/mappings/").status_code == 403
    assert client.get(f"/frameworks/mappings/{old.id}/{new.id}").status_code == 403
    assert _add_refused(client, old, new) == 403


def _add_refused(client, old, new):
    return client.post(f"/frameworks/mappings/{old.id}/{new.id}",
                       data={"from_element_ids": _ids(old, "1"),
                             "to_element_ids": _ids(new, "1")}).status_code


def test_choosing_two_versions_opens_their_mapping(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    index = client.get("/frameworks/")
    assert page(index).find("a", href="/frameworks/mappings/") is not None
    response = client.get("/frameworks/mappings/", query_string={"from_id": old.id,
                                                                 "to_id": new.id})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/frameworks/mappings/{old.id}/{new.id}"


def test_the_same_version_twice_is_refused_and_kept(as_role, client, versions):
    old, _new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    response = client.get("/frameworks/mappings/", query_string={"from_id": old.id,
                                                                 "to_id": old.id})
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == ["Choose a different version to map to"]
    assert soup.select_one("#to_id option[selected]")["value"] == str(old.id)
    assert client.get(f"/frameworks/mappings/{old.id}/{old.id}").status_code == 404


def test_an_unknown_version_is_not_found(as_role, client, versions):
    old, _new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    assert client.get(f"/frameworks/mappings/{old.id}/999999").status_code == 404
    response = client.get("/frameworks/mappings/", query_string={"from_id": "999999",
                                                                 "to_id": old.id})
    assert response.status_code == 400


def test_one_element_maps_to_several_with_a_note_and_an_audit_row(as_role, client, versions):
    old, new = versions
    admin = as_role(Role.SERVICE_ADMINISTRATOR)
    response = _add(client, old, new, ["1"], ["1", "2"], note="Split in the new version")
    assert response.status_code == 303
    one = old.elements[0].id
    assert _pairs() == {(one, new.elements[0].id), (one, new.elements[1].id)}
    assert {m.note for m in db.session.scalars(select(ElementMapping))} == {
        "Split in the new version"}
    events = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "framework_mapping_added")).all()
    assert len(events) == 2 and {e.actor_id for e in events} == {admin.id}
    soup = page(client.get(f"/frameworks/mappings/{old.id}/{new.id}"))
    assert_no_duplicate_ids(soup)
    first_row = soup.select("tbody tr")[0].get_text(" ", strip=True)
    assert "KSS 1 Element 1" in first_row and "KSS 2 Element 2" in first_row
    assert "Split in the new version" in first_row
    assert soup.select("tbody tr")[2].get_text(" ", strip=True).endswith("Not mapped")


def test_several_elements_map_to_one(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    assert _add(client, old, new, ["2", "3"], ["3"]).status_code == 303
    assert _pairs() == {(old.elements[1].id, new.elements[2].id),
                        (old.elements[2].id, new.elements[2].id)}


def test_several_to_several_is_refused_and_keeps_what_was_typed(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    response = _add(client, old, new, ["1", "2"], ["1", "2"], note="My careful note")
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    assert error_summary(soup) == ["Map one element to several, or several elements to "
                                   "one: choose only one element on one side"]
    assert soup.select_one("textarea[name=note]").get_text() == "My careful note"
    checked = {i["value"] for i in soup.select("input[name=from_element_ids][checked]")}
    assert checked == set(_ids(old, "1", "2"))
    assert _pairs() == set()


def test_a_duplicate_is_refused_with_a_clear_error(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    assert _add(client, old, new, ["1"], ["1"]).status_code == 303
    response = _add(client, old, new, ["1"], ["1", "2"])
    assert response.status_code == 400
    assert error_summary(page(response)) == ["KSS 1 Element 1 is already mapped to "
                                             "KSS 1 Element 1"]
    assert len(_pairs()) == 1


def test_nothing_chosen_is_an_error_on_each_side(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    response = _add(client, old, new, [], [])
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Select at least one element to map from",
                                             "Select at least one element to map to"]


def test_an_element_of_another_version_is_refused(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    url = f"/frameworks/mappings/{old.id}/{new.id}"
    key = page(client.get(url)).select_one("input[name=form_key]")["value"]
    response = client.post(url, data={"form_key": key, "from_element_ids": _ids(new, "1"),
                                      "to_element_ids": _ids(new, "2")})
    assert response.status_code == 400
    assert _pairs() == set()


def test_adding_needs_the_csrf_token(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    response = client.post(f"/frameworks/mappings/{old.id}/{new.id}", csrf=False,
                           data={"from_element_ids": _ids(old, "1"),
                                 "to_element_ids": _ids(new, "1")})
    assert response.status_code == 400
    assert _pairs() == set()


def test_a_double_submit_records_one_mapping(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    url = f"/frameworks/mappings/{old.id}/{new.id}"
    key = page(client.get(url)).select_one("input[name=form_key]")["value"]
    data = {"form_key": key, "from_element_ids": _ids(old, "1"),
            "to_element_ids": _ids(new, "1")}
    assert client.post(url, data=data).status_code == 303
    assert client.post(url, data=data).status_code == 303
    assert len(_pairs()) == 1


def test_removing_asks_first_then_removes_with_an_audit_row(as_role, client, versions):
    old, new = versions
    as_role(Role.SERVICE_ADMINISTRATOR)
    _add(client, old, new, ["1"], ["1"])
    mapping = db.session.scalar(select(ElementMapping))
    url = f"/frameworks/mappings/{mapping.id}/remove"
    soup = page(client.get(url))
    assert soup.h1.get_text(strip=True) == ("Are you sure you want to remove the mapping "
                                            "from KSS 1 Element 1 to KSS 1 Element 1?")
    assert soup.find("form", action=url) is not None
    assert client.post(url, csrf=False).status_code == 400
    assert len(_pairs()) == 1
    response = client.post(url)
    assert response.headers["Location"] == f"/frameworks/mappings/{old.id}/{new.id}"
    assert _pairs() == set()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "framework_mapping_removed")) == 1
    assert client.get(url).status_code == 404


def test_the_operation_refuses_a_version_mapped_to_itself(app, versions):
    old, _new = versions
    admin = factories.user(roles=[Role.SERVICE_ADMINISTRATOR])
    with pytest.raises(operations.MappingError, match="cannot be mapped to itself"):
        operations.add_mappings(admin, old, old, [old.elements[0].id],
                                [old.elements[1].id], "")
