"""The signed-in user's one query: roles, council and team come as plain values."""

from portal.accounts import operations
from portal.accounts.models import UserRole
from portal.accounts.roles import Role
from portal.accounts.session import load_user
from portal.core.db import db
from tests import factories
from tests.conftest import count_queries, page, sign_in


def _signed_in_now():
    """What start_session records, for calling load_user outside a real sign-in."""
    import time

    from flask import session

    session["signed_in_at"] = int(time.time())


def test_one_query_gives_the_user_roles_council_and_team(app, org):
    team = factories.team(org, "North locality")
    person = factories.user(org, roles=["assessor", "line_manager"], team_id=team.id)
    db.session.commit()
    session_id, council = person.get_id(), org.name
    db.session.expunge_all()
    with app.test_request_context(), count_queries() as statements:
        _signed_in_now()
        user = load_user(session_id)
        assert user.roles == {Role.ASSESSOR, Role.LINE_MANAGER}
        assert user.has_role(Role.ASSESSOR) and not user.has_role(Role.CANDIDATE)
        assert user.organisation_name == council
        assert user.team_name == "North locality"
    assert len(statements) == 1


def test_changing_roles_is_seen_at_once(app, org):
    person = factories.user(org, roles=["assessor"])
    db.session.commit()
    session_id = person.get_id()
    db.session.expunge_all()
    with app.test_request_context():
        _signed_in_now()
        user = load_user(session_id)
        assert user.roles == {Role.ASSESSOR}
        user.role_grants.append(UserRole(role=Role.PROGRAMME_LEAD.value))
        assert user.roles == {Role.ASSESSOR, Role.PROGRAMME_LEAD}
        operations._replace_roles(user, {Role.CANDIDATE})
        assert user.roles == {Role.CANDIDATE}
        db.session.rollback()


def test_a_wrong_session_token_is_refused(app, org):
    person = factories.user(org)
    db.session.commit()
    with app.test_request_context():
        _signed_in_now()
        assert load_user(person.get_id()) is not None
        assert load_user(f"{person.id}.not-the-token") is None
        assert load_user("nonsense") is None


def test_the_home_page_names_the_team(client, org):
    team = factories.team(org, "South hub")
    person = factories.user(org, roles=["assessor"], team_id=team.id)
    sign_in(client, person)
    assert "South hub" in page(client.get("/home")).select_one(".govuk-body-l").get_text()


def test_pages_do_not_resend_the_session_cookie(client, org):
    """The session is signed at sign-in and when it changes, not on every page."""
    person = factories.user(org, roles=["candidate"])
    sign_in(client, person)
    client.get("/home")  # the first page adds the CSRF token to the session
    response = client.get("/home")
    assert response.status_code == 200
    assert "portal_session" not in response.headers.get("Set-Cookie", "")


def test_a_session_ends_session_hours_after_sign_in(app, client, org):
    """However busy: a flash message re-signs the cookie, but the sign-in time stands."""
    import time

    person = factories.user(org, roles=["candidate"])
    sign_in(client, person)
    assert client.get("/home").status_code == 200
    hours = app.permanent_session_lifetime.total_seconds()
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time() - hours + 60)
    assert client.get("/home").status_code == 200  # a minute left
    with client.session_transaction() as session:
        session["signed_in_at"] = int(time.time() - hours - 60)
    response = client.get("/home")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in")


def test_a_session_without_a_sign_in_time_is_not_accepted(client, org):
    person = factories.user(org, roles=["candidate"])
    sign_in(client, person)
    with client.session_transaction() as session:
        del session["signed_in_at"]
    assert client.get("/home").status_code == 303
