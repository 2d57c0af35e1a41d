"""The outbox: every email recorded with what became of it; administrators see and retry."""

from sqlalchemy import select

from portal.core import jobs
from portal.core.db import db
from portal.core.mail import outbox
from portal.notifications.email_models import EmailState, OutgoingEmail
from portal.notifications.emails import queue_email
from portal.notifications.operations import notify
from tests import factories
from tests.conftest import page, sign_in
from tests.peers import smtp  # noqa: F401 (fixture)


def _queue_and_commit(recipient, kind="notification", **context) -> int:
    if kind == "notification" and not context:
        context = {"notification_id": notify(recipient.id, "Your assessor added feedback",
                                             "/evidence/", email=False).id}
    email_id = queue_email(recipient, kind, **context).id
    db.session.commit()
    jobs.run_committed()  # what the end of a request (or a worker) does
    return email_id


def _email(email_id: int) -> OutgoingEmail:
    db.session.expire_all()
    return db.session.get(OutgoingEmail, email_id)


def test_a_queued_email_is_sent_once_committed_and_recorded(org):
    amara = factories.user(org, name="Amara Okafor", email="amara@example.org")
    email_id = _queue_and_commit(amara)
    (sent,) = outbox()
    assert sent.to == "amara@example.org"
    assert "Your assessor added feedback" in sent.body
    assert "http://127.0.0.1:5000/evidence/" in sent.body
    assert "Your assessor added feedback" in sent.html
    email = _email(email_id)
    assert (email.state, email.attempts, email.last_error) == (EmailState.SENT, 1, None)
    assert email.sent_at is not None


def test_nothing_is_sent_for_a_change_that_rolled_back(org):
    amara = factories.user(org)
    db.session.commit()
    queue_email(amara, "password_reset")
    db.session.rollback()
    jobs.run_committed()
    assert outbox() == []
    assert db.session.scalar(select(OutgoingEmail)) is None


def test_a_provider_failure_is_recorded_with_its_reason(app, org):
    amara = factories.user(org)
    app.config["MAIL_BACKEND"] = "none"
    try:
        email_id = _queue_and_commit(amara)
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    email = _email(email_id)
    assert email.state == EmailState.FAILED
    assert email.attempts == 1
    assert "No email provider is configured" in email.last_error


def test_a_refused_address_is_shown_and_not_retried_by_itself(smtp, org):  # noqa: F811
    person = factories.user(org, email="refused.person@example.org")
    email_id = _queue_and_commit(person)
    email = _email(email_id)
    assert email.state == EmailState.REFUSED
    assert "550" in email.last_error
    # Running its job again (a worker retrying) leaves a refused email alone.
    from portal.notifications.emails import deliver_email

    deliver_email(email_id=email_id)
    assert _email(email_id).attempts == 1
    assert smtp.messages == []


def test_a_deactivated_account_is_not_emailed(org):
    person = factories.user(org)
    db.session.commit()
    email = queue_email(person, "notification", notification_id=0)
    person.active = False
    db.session.commit()
    jobs.run_committed()
    assert outbox() == []
    assert _email(email.id).state == EmailState.CANCELLED


def test_administrators_see_the_outbox_and_send_a_failed_email_again(app, client, org):
    admin = factories.user(org, roles=["administrator"])
    amara = factories.user(org, name="Amara Okafor", email="amara@example.org")
    app.config["MAIL_BACKEND"] = "none"
    try:
        email_id = _queue_and_commit(amara)
    finally:
        app.config["MAIL_BACKEND"] = "memory"
    sign_in(client, admin)
    response = client.get("/admin/outbox/?state=failed")
    assert response.status_code == 200
    text = page(response).get_text(" ", strip=True)
    assert "Amara Okafor" in text and "amara@example.org" in text
    assert "No email provider is configured" in text
    assert page(response).select_one(f"form[action^='/admin/outbox/{email_id}/retry']")

    response = client.post(f"/admin/outbox/{email_id}/retry")
    assert response.status_code == 303
    assert [sent.to for sent in outbox()] == ["amara@example.org"]
    assert _email(email_id).state == EmailState.SENT
    # A sent email cannot be sent again from here.
    response = client.post(f"/admin/outbox/{email_id}/retry")
    assert len(outbox()) == 1


def test_the_outbox_is_for_administrators_of_the_same_council(app, client, org):
    other_council = factories.organisation()
    stranger = factories.user(other_council)
    email_id = _queue_and_commit(stranger)
    sign_in(client, factories.user(org, roles=["administrator"]))
    assert "person" not in page(client.get("/admin/outbox/")).select_one("main").get_text()
    assert client.post(f"/admin/outbox/{email_id}/retry").status_code == 404
    assessor = app.test_client()
    sign_in(assessor, factories.user(org, roles=["assessor"]))
    assert assessor.get("/admin/outbox/").status_code == 403
