"""Bad input never gives a server error: a NUL character in any answer, search or address
(PostgreSQL refuses NUL in text), an id larger than the database's integers, a `next=`
a Location header cannot carry, and LIKE wildcards in the user search."""

import importlib
import io
import pkgutil
import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from wtforms.fields.core import UnboundField

import portal
from portal.core.db import db
from portal.core.forms import NUL_MESSAGE, PortalForm
from portal.core.urls import MAX_DATABASE_ID
from tests import factories
from tests.conftest import error_summary, page, sign_in

TYPED = "Home visit\x00 with the family"
NUL_HEADING = "The web address could not be read"


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def _portal_forms() -> list[type]:
    """Every form class in the portal's forms modules (imported here, at collection)."""
    for module in pkgutil.walk_packages(portal.__path__, "portal."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    return sorted({form for form in _subclasses(FlaskForm) if form.__module__.startswith(
        "portal.")}, key=lambda form: f"{form.__module__}.{form.__name__}")


def test_every_form_in_the_portal_is_a_portal_form(app):
    others = [form.__name__ for form in _portal_forms() if not issubclass(form, PortalForm)]
    assert others == []


def _declares_fields(form_class) -> bool:
    return any(isinstance(getattr(form_class, name), UnboundField) for name in dir(form_class))


def _answer_fields(form):
    for field in form:
        if hasattr(field, "entries") or hasattr(field, "form"):
            yield from _answer_fields(field)
        else:
            yield field


@pytest.mark.parametrize("form_class", [
    pytest.param(form, id=form.__name__)
    for form in _portal_forms() if issubclass(form, PortalForm) and _declares_fields(form)])
def test_every_form_refuses_nul_in_every_answer_and_keeps_the_text(app, form_class):
    with app.test_request_context(method="POST"):
        names = [field.name for field in _answer_fields(form_class(formdata=MultiDict()))]
        form = form_class(formdata=MultiDict([(name, TYPED) for name in names]))
        assert not form.validate()
        # A file field ignores text; every other field keeps what was sent.
        sent = [field for field in _answer_fields(form) if field.raw_data]
        assert sent and all(field.errors == [NUL_MESSAGE] for field in sent)
        assert all(field.data == TYPED for field in sent if field.type in {
            "StringField", "TextAreaField", "EmailField"})


def _new_evidence(**overrides):
    data = {"title": "Home visit", "occurred_on": ["3", "10", "2026"],
            "evidence_type": "critical_reflection", "reflection": "What I learnt.",
            "anonymised_confirmed": "y"}
    data.update(overrides)
    return data


def test_a_nul_in_a_reflection_is_explained_and_the_text_comes_back(
        client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    response = client.post("/evidence/new", data=_new_evidence(reflection=TYPED))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [NUL_MESSAGE]
    assert soup.select_one("textarea[name=reflection]").get_text().lstrip("\n") in {
        TYPED, TYPED.replace("\x00", "\ufffd")}


@pytest.mark.parametrize("data", [
    {"email": "a\x00@example.org", "password": "x"},
    {"email": "someone@example.org", "password": "pass\x00word"}])
def test_a_nul_in_the_sign_in_form_is_explained(client, no_propagation, data):
    response = client.post("/sign-in", data=data)
    assert response.status_code == 400
    assert error_summary(page(response)) == [NUL_MESSAGE]


@pytest.mark.parametrize("url", [
    "/evidence/?q=home%00visit", "/evidence/?element=1%00", "/admin/users/?q=a%00b",
    "/admin/users/?role=candidate%00", "/evidence/?q%00=x", "/static/a%00.css",
    "/sign-in?next=/evidence/%00"])
def test_a_nul_in_the_address_is_a_clear_bad_request(client, org, no_propagation, url):
    sign_in(client, factories.user(org, roles=["candidate", "administrator"]))
    response = client.get(url)
    assert response.status_code == 400
    assert page(response).h1.get_text(strip=True) == NUL_HEADING
    assert "Content-Security-Policy" in response.headers


def test_a_nul_in_an_imported_csv_names_the_row(client, org, no_propagation):
    sign_in(client, factories.user(org, roles=["administrator"]))
    text = "name,email,roles\nAda,ada@example.org,candidate\nB\x00n,ben@example.org,candidate\n"
    response = client.post("/admin/users/import", content_type="multipart/form-data",
                           data={"csv_file": (io.BytesIO(text.encode()), "people.csv")})
    assert response.status_code == 400
    assert "name has a hidden null character" in page(response).get_text()


def test_a_nul_in_an_autosaved_draft_is_not_a_server_error(client, org, no_propagation):
    user, _ = factories.candidate_with_framework(org)
    sign_in(client, user)
    response = client.htmx_post("/evidence/drafts/new", data={"title": TYPED})
    assert response.status_code < 500


# Ids larger than the database's integers ------------------------------------------------
TOO_LARGE = MAX_DATABASE_ID + 1  # 2**31: PostgreSQL's INTEGER stops one short


def _int_rules(app):
    for rule in app.url_map.iter_rules():
        names = re.findall(r"<int:(\w+)>", rule.rule)
        if names:
            yield rule, names


def _matched_endpoint(app, rule, value: int) -> str | None:
    path = re.sub(r"<int:\w+>", str(value), rule.rule)
    path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    adapter = app.url_map.bind("localhost")
    try:
        return adapter.match(path, method=method)[0]
    except (NotFound, MethodNotAllowed, RequestRedirect):
        return None


def test_every_id_in_a_url_is_bounded_by_the_database_integer(app):
    rules = list(_int_rules(app))
    assert len(rules) > 20
    for rule, _names in rules:
        assert _matched_endpoint(app, rule, MAX_DATABASE_ID) == rule.endpoint, rule.rule
        assert _matched_endpoint(app, rule, TOO_LARGE) != rule.endpoint, rule.rule


@pytest.mark.parametrize("url", [f"/evidence/{TOO_LARGE}", f"/admin/users/{TOO_LARGE}",
                                 f"/evidence/{MAX_DATABASE_ID}"])
def test_an_id_beyond_the_database_integer_is_not_found(client, org, no_propagation, url):
    sign_in(client, factories.user(org, roles=["candidate", "administrator"]))
    response = client.get(url)
    assert response.status_code == 404
    assert page(response).h1.get_text(strip=True) == "Page not found"


# Where to go after signing in -----------------------------------------------------------
@pytest.mark.parametrize("target", ["/evidence/\r\nSet-Cookie: a=b", "/evidence/\x00",
                                    "/evidence/\u2028", "/evidence/\u0100", "/evidence/\x7f"])
def test_a_next_a_header_cannot_carry_is_dropped(client, org, no_propagation, target):
    user = factories.user(org)
    db.session.commit()
    response = client.post("/sign-in", query_string={"next": target},
                           data={"email": user.email, "password": factories.PASSWORD})
    if "\x00" in target:
        assert response.status_code == 400  # refused before the view, like any NUL
        return
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"


def test_a_latin_1_next_is_still_followed(client, org):
    user = factories.user(org)
    db.session.commit()
    response = client.post("/sign-in", query_string={"next": "/evidence/?q=café"},
                           data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/evidence/?q=caf")


# The user search -------------------------------------------------------------------------
@pytest.mark.parametrize(("typed", "found"), [
    ("_", ["Ann_Bell"]), ("%", ["Cy 100% Dunn"]), ("n_b", ["Ann_Bell"]), ("ann", ["Ann_Bell",
                                                                             "Annabel Cole"])])
def test_wildcards_in_the_user_search_are_matched_literally(client, org, typed, found):
    admin = factories.user(org, roles=["administrator"], name="Zed Admin", email="z@example.org")
    for name in ("Ann_Bell", "Annabel Cole", "Cy 100% Dunn"):
        email = f"{name.split()[0][:2].lower()}{len(name)}@example.org"
        factories.user(org, name=name, email=email)
    sign_in(client, admin)
    soup = page(client.get("/admin/users/", query_string={"q": typed}))
    names = [link.get_text(strip=True) for link in soup.select("main table a")]
    assert [name for name in names if name != "Zed Admin"] == found
