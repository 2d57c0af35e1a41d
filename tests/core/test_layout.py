"""The layout every page shares: the header, the menu and the sign-out form."""

from tests import factories
from tests.conftest import page, sign_in


def test_the_menu_marks_the_current_section_and_ends_with_a_sign_out_form(client, org):
    person = factories.user(org, roles=["candidate"])
    sign_in(client, person)
    soup = page(client.get("/home"))
    form = soup.select_one(".govuk-service-navigation__list form[action='/sign-out']")
    assert form is not None
    assert form.select_one("button").get_text(strip=True) == "Sign out"
    # This session's token (signed tokens differ only in their timestamp part).
    token = form.select_one("input[name=csrf_token]")["value"]
    assert token.split(".")[0] == client.csrf_token().split(".")[0]
    current = soup.select_one(".govuk-service-navigation__item--active a")
    assert current.get_text(strip=True) == "Home"
    evidence = page(client.get("/evidence/"))
    current = evidence.select_one(".govuk-service-navigation__item--active a")
    assert current.get_text(strip=True) == "Your evidence"
    assert soup.select_one(".govuk-generic-header").get_text(strip=True) == org.name


def test_the_sign_out_forms_own_token_signs_out(client, org):
    sign_in(client, factories.user(org, roles=["candidate"]))
    soup = page(client.get("/home"))
    token = soup.select_one("form[action='/sign-out'] input[name=csrf_token]")["value"]
    assert client.post("/sign-out", data={"csrf_token": token}, csrf=False).status_code == 303
    assert client.get("/home").status_code == 303  # signed out: sent to sign in


def test_each_session_gets_its_own_token_in_the_sign_out_form(app, org):
    tokens = []
    for name in ("Ann", "Bob"):
        client = app.test_client()
        sign_in(client, factories.user(org, roles=["candidate"], name=name))
        soup = page(client.get("/home"))
        tokens.append(soup.select_one("form[action='/sign-out'] input[name=csrf_token]")["value"])
    assert tokens[0].split(".")[0] != tokens[1].split(".")[0]


def test_signed_out_pages_have_no_menu_and_no_sign_out(client):
    soup = page(client.get("/sign-in"))
    assert soup.select_one(".govuk-service-navigation__list") is None
    assert soup.select_one("form[action='/sign-out']") is None
    assert soup.select_one(".govuk-generic-header").get_text(strip=True) == "Social Work Academy"
