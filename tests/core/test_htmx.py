"""One helper decides between a page and a fragment; errors reach htmx users too."""

from tests import factories
from tests.conftest import sign_in


def test_a_normal_request_gets_the_whole_page(client):
    body = client.get("/sign-in").get_data(as_text=True)
    assert body.lstrip().startswith("<!DOCTYPE html>")


def test_an_htmx_request_gets_only_the_content(client):
    response = client.htmx_get("/sign-in")
    body = response.get_data(as_text=True)
    assert "<html" not in body and "govuk-header" not in body
    assert "Sign in" in body
    assert "HX-Request" in response.headers["Vary"]


def test_a_boosted_request_gets_the_whole_page(client):
    response = client.get("/sign-in", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<!DOCTYPE html>" in response.get_data(as_text=True)


def test_flash_messages_reach_the_live_region_out_of_band(client, org):
    sign_in(client, factories.user(org, roles=["administrator"]))
    client.htmx_post("/admin/users/new", data={
        "name": "Sam Reid", "email": "sam@example.org", "team_id": "", "roles": ["assessor"]})
    body = client.htmx_get("/admin/users/").get_data(as_text=True)
    assert 'hx-swap-oob="true"' in body
    assert "Sam Reid has been added" in body


def test_an_expired_session_during_htmx_explains_and_keeps_the_page(client):
    response = client.htmx_get("/home")
    assert response.status_code == 401
    body = response.get_data(as_text=True)
    assert "Your session has ended" in body
    assert "<html" not in body


def test_an_htmx_404_is_a_fragment(client, org):
    sign_in(client, factories.user(org, roles=["administrator"]))
    response = client.htmx_get("/admin/users/999999")
    assert response.status_code == 404
    assert "<html" not in response.get_data(as_text=True)
    assert "Page not found" in response.get_data(as_text=True)


def test_an_oversized_request_gets_a_clear_413(app, client, org):
    sign_in(client, factories.user(org, roles=["administrator"]))
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        import io

        response = client.post("/admin/users/import", data={
            "csv_file": (io.BytesIO(b"x" * 4096), "big.csv")},
            content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
