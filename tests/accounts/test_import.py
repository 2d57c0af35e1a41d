"""Importing users from CSV: all or nothing, with a per-row report."""

import io

import pytest

from portal.accounts.models import User
from portal.core.db import db
from tests import factories
from tests.conftest import page, sign_in


@pytest.fixture
def admin(client, org):
    user = factories.user(org, roles=["administrator"])
    sign_in(client, user)
    return user


def _upload(client, text: str, name: str = "people.csv"):
    return client.post("/admin/users/import", data={
        "csv_file": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data")


def _emails(org):
    return set(db.session.scalars(db.select(User.email).where(User.organisation_id == org.id)))


def test_a_good_file_imports_everyone(client, org, admin):
    factories.team(org, "Hospital Discharge")
    db.session.commit()
    response = _upload(client, "Name,Email,Roles,Team\n"
                               "Amara Okafor,amara@example.org,candidate,Hospital Discharge\n"
                               "Sam Reid,sam@example.org,Assessor;panel member,\n")
    assert response.status_code == 303
    assert {"amara@example.org", "sam@example.org"} <= _emails(org)
    sam = db.session.scalar(db.select(User).where(User.email == "sam@example.org"))
    assert {r.value for r in sam.roles} == {"assessor", "panel_member"}


def test_the_counts_read_as_english(client, org, admin):
    """'1 person was imported', '1 problem': never '1 people' or 'problem(s)'."""
    response = _upload(client, "name,email,roles,team\nAmara Okafor,amara@example.org,candidate,\n")
    assert response.status_code == 303
    followed = client.get(response.headers["Location"])
    assert "1 person was imported and sent an invitation." in followed.get_data(
        as_text=True)
    response = _upload(client, "name,email,roles,team\nSam Reid,sam@example.org,wizard,\n")
    message = page(response).select_one("#csv_file-error").get_text(" ", strip=True)
    # A browser never keeps a chosen file, so the message beside the input says so.
    assert message == ("Error: The file has 1 problem. Nothing was imported. Fix the file, "
                       "then choose it again")


def test_one_bad_row_imports_nobody_and_reports_each_problem(client, org, admin):
    factories.user(org, email="exists@example.org")
    db.session.commit()
    before = _emails(org)
    response = _upload(client, "name,email,roles,team\n"
                               "Good Person,good@example.org,candidate,\n"
                               ",noname@example.org,candidate,\n"
                               "Bad Email,not-an-email,candidate,\n"
                               "Bad Role,badrole@example.org,wizard,\n"
                               "No Team,noteam@example.org,candidate,Atlantis\n"
                               "Exists,exists@example.org,candidate,\n"
                               "Twice,good@example.org,candidate,\n")
    assert response.status_code == 400
    rows = [[td.get_text(strip=True) for td in tr.select("td")]
            for tr in page(response).select("#import-problems tbody tr")]
    assert [row[0] for row in rows] == ["3", "4", "5", "6", "7", "8"]
    assert "name is missing" in rows[0][1]
    assert "'wizard' is not a role" in rows[2][1]
    assert "Atlantis" in rows[3][1]
    assert "already has an account" in rows[4][1]
    assert "more than once" in rows[5][1]
    assert _emails(org) == before


def test_missing_columns_are_explained(client, org, admin):
    response = _upload(client, "full name,mail\nA,b@example.org\n")
    assert response.status_code == 400
    assert "missing name, email, roles" in response.get_data(as_text=True)


def test_a_file_that_is_not_utf8_is_explained(client, org, admin):
    response = client.post("/admin/users/import", data={
        "csv_file": (io.BytesIO(b"name,email,roles\n\xff\xfe,x@example.org,candidate\n"),
                     "people.csv")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "UTF-8" in response.get_data(as_text=True)


def test_formula_like_and_script_text_is_shown_escaped(client, org, admin):
    response = _upload(client, "name,email,roles\n<img src=x onerror=alert(1)>,x,candidate\n")
    body = response.get_data(as_text=True)
    assert "<img src=x" not in body
