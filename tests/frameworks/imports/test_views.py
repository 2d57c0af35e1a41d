"""Importing a framework on the web: problems listed, preview, draft, check, activate,
retire; administrators only; every POST needs its CSRF token."""

import io

import pytest
from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.imports.reading import MAX_FILE_BYTES
from portal.frameworks.models import Framework
from portal.frameworks.queries import load_shipped_frameworks
from tests.conftest import assert_no_duplicate_ids, page
from tests.frameworks.helpers import make_framework
from tests.frameworks.imports.files import BAD_CSV, GOOD_CSV, GOOD_YAML, upload


def _frameworks() -> int:
    return db.session.scalar(select(func.count(Framework.id)))


def _preview(client, name: str, text: str):
    response = client.post("/frameworks/import", data=upload(name, text),
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return page(response)


def _save_data(soup) -> dict:
    form = soup.select_one("form[action='/frameworks/import/save']")
    return {field["name"]: field.get("value", "") for field in form.select("input[name]")}


def _save(client, soup):
    return client.post("/frameworks/import/save", data=_save_data(soup))


def _imported(code: str = "ecs-test") -> Framework:
    return db.session.scalar(select(Framework).where(Framework.code == code))


@pytest.fixture
def admin(as_role):
    return as_role(Role.SERVICE_ADMINISTRATOR)


def test_a_file_with_problems_lists_each_row_and_saves_nothing(client, admin):
    response = client.post("/frameworks/import", data=upload("standards.csv", BAD_CSV),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    soup = page(response)
    assert soup.title.get_text().startswith("Error: ")
    listed = [a.get_text(strip=True) for a in soup.select(".govuk-error-summary__list a")]
    assert listed == [
        "Row 3, code: duplicate code '1' (also on row 2)",
        "Row 4, parent_code: no earlier row has the code '2' (a parent comes before its "
        "elements)",
        "Row 5, framework_code: 'ecs-other' is not the 'ecs-test' of row 2; a file holds one "
        "framework version",
        "Row 5, title: must not be empty",
        "Row 5, verified: must be yes or no, not 'maybe'",
    ]
    assert soup.select_one("#framework_file-error")
    assert _frameworks() == 0


def test_a_good_file_is_previewed_then_saved_as_a_draft(client, admin):
    soup = _preview(client, "standards.csv", GOOD_CSV)
    assert "Check the framework before saving" in soup.h1.get_text()
    tree = soup.select_one("main ul.govuk-list")
    assert [li.strong.get_text() for li in tree.find_all("li", recursive=False)] == ["1", "2"]
    assert "Statement one point one" in tree.get_text()
    assert_no_duplicate_ids(soup)
    assert _frameworks() == 0  # a preview saves nothing

    response = _save(client, soup)
    framework = _imported()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/frameworks/{framework.id}"
    assert framework.status == "draft"
    assert [(e.code, e.depth, e.verified) for e in framework.elements] == [
        ("1", 0, True), ("1.1", 1, False), ("2", 0, True)]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "framework_imported"))
    assert (event.actor_id, event.object_id) == (admin.id, framework.id)


def test_sending_the_save_twice_saves_one_draft(client, admin):
    data = _save_data(_preview(client, "standards.csv", GOOD_CSV))
    assert client.post("/frameworks/import/save", data=data).status_code == 303
    assert client.post("/frameworks/import/save", data=data).status_code == 303
    assert _frameworks() == 1


def test_a_yaml_file_is_saved_as_a_draft_whatever_status_it_names(client, admin):
    _save(client, _preview(client, "standards.yaml", GOOD_YAML))
    assert _imported("ecs-yaml").status == "draft"


def test_the_saved_file_is_checked_again(client, admin):
    data = _save_data(_preview(client, "standards.csv", GOOD_CSV))
    data["file_text"] = BAD_CSV
    response = client.post("/frameworks/import/save", data=data)
    assert response.status_code == 400
    assert "duplicate code" in response.get_data(as_text=True)
    assert _frameworks() == 0


def test_a_saved_text_bigger_than_a_file_may_be_is_refused(client, admin):
    """The save's text comes back from the browser, so its size is checked again: a
    hostile form field is not parsed whatever its size."""
    data = _save_data(_preview(client, "standards.csv", GOOD_CSV))
    data["file_text"] = GOOD_CSV + "," * (MAX_FILE_BYTES + 1)
    response = client.post("/frameworks/import/save", data=data)
    assert response.status_code == 400
    assert "The file must be smaller than 400 kB" in response.get_data(as_text=True)
    assert _frameworks() == 0


def test_the_shipped_place_of_the_standards_is_filled_in(client, admin):
    load_shipped_frameworks()
    db.session.commit()
    text = GOOD_CSV.replace(
        "ecs-test,2026,Early career standards (test),Department for Education",
        "ecs-child-family,2026,,").replace("ecs-test", "ecs-child-family")
    soup = _preview(client, "standards.csv", text)
    assert "The elements of the draft that is already loaded" in soup.get_text()
    _save(client, soup)
    standards = _imported("ecs-child-family")
    assert standards.title == "Child and family social worker early career standards"
    assert [e.code for e in standards.elements] == ["1", "1.1", "2"]


@pytest.mark.parametrize(("text", "problem"), [
    (GOOD_CSV.replace(",Early career standards (test),Department for Education,", ",,,"),
     "Unknown framework ecs-test 2026: no such version is loaded"),
    (GOOD_YAML.replace("ecs-yaml", "pcf").replace('"2026"', '"2018"'),
     "Framework pcf 2018 is already loaded (active)"),
])
def test_an_unknown_or_loaded_framework_is_refused(client, admin, text, problem):
    make_framework()
    db.session.commit()
    name = "f.csv" if text.startswith("framework_code") else "f.yaml"
    response = client.post("/frameworks/import", data=upload(name, text),
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert problem in page(response).select_one(".govuk-error-summary").get_text()


@pytest.mark.parametrize(("name", "raw", "problem"), [
    ("standards.pdf", b"x", "The file must be a YAML file"),
    ("standards.csv", b"\xff\xfe", "The file must be saved as UTF-8 text"),
    ("standards.yaml", b"code: [", "YAML syntax error"),
    ("standards.yaml", b"code: x\n", "Missing key 'elements'"),
])
def test_an_unreadable_file_is_refused(client, admin, name, raw, problem):
    response = client.post("/frameworks/import",
                           data={"framework_file": (io.BytesIO(raw), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert problem in page(response).select_one(".govuk-error-summary").get_text()


def test_choosing_no_file_is_an_error(client, admin):
    response = client.post("/frameworks/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Select a framework file" in response.get_data(as_text=True)
