"""The email providers, each against a real peer on 127.0.0.1."""

import pytest

from portal.core.mail import Email, EmailNotSent, EmailRefused, provider, send_email
from tests.peers import NOTIFY_SERVICE_ID, notify, smtp  # noqa: F401 (fixtures)

EMAIL = Email(to="amara@example.org", subject="Reset your password",
              body="Hello Amara,\n\nUse this link.", html="<p>Hello Amara</p>", reference="7")


def test_smtp_sends_plain_text_and_html(smtp):  # noqa: F811
    send_email(EMAIL)
    (message,) = smtp.messages
    assert message["To"] == "amara@example.org"
    assert message["Subject"] == "Reset your password"
    assert message.get_body(("plain",)).get_content().startswith("Hello Amara,")
    assert message.get_body(("html",)).get_content().strip() == "<p>Hello Amara</p>"


def test_smtp_refused_address_is_refused_not_retried(smtp):  # noqa: F811
    with pytest.raises(EmailRefused, match="550"):
        send_email(Email(to="refused@example.org", subject="s", body="b"))
    assert smtp.messages == []


def test_smtp_server_that_is_not_there_is_a_failure_to_retry(app):
    from tests.peers import free_port

    app.config.update(MAIL_PROVIDER="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(),
                      MAIL_USE_TLS=False)
    try:
        with pytest.raises(EmailNotSent) as raised:
            send_email(EMAIL)
        assert not isinstance(raised.value, EmailRefused)
    finally:
        app.config.update(MAIL_PROVIDER="", MAIL_SERVER="")


def test_notify_sends_through_its_api_with_subject_and_body(notify):  # noqa: F811
    send_email(EMAIL)
    (request,) = notify
    assert request["path"] == "/v2/notifications/email"
    assert request["authorization"].startswith("Bearer ")
    assert request["json"]["email_address"] == "amara@example.org"
    assert request["json"]["personalisation"] == {
        "subject": "Reset your password", "body": "Hello Amara,\n\nUse this link."}
    assert request["json"]["reference"] == "7"
    assert NOTIFY_SERVICE_ID not in request["json"].values()


def test_notify_refusing_an_address_is_refused(notify):  # noqa: F811
    with pytest.raises(EmailRefused, match="400"):
        send_email(Email(to="invalid@example.org", subject="s", body="b"))


def test_notify_failing_is_a_failure_to_retry(notify):  # noqa: F811
    with pytest.raises(EmailNotSent, match="500") as raised:
        send_email(Email(to="broken@example.org", subject="s", body="b"))
    assert not isinstance(raised.value, EmailRefused)


def test_the_provider_follows_the_settings(app):
    app.config.update(MAIL_BACKEND="", MAIL_PROVIDER="")
    try:
        assert provider() == "console"  # development, nothing configured
        app.config["NOTIFY_API_KEY"] = "k"
        assert provider() == "notify"
        app.config["MAIL_SERVER"] = "smtp.example.org"
        assert provider() == "smtp"
    finally:
        app.config.update(MAIL_BACKEND="memory", NOTIFY_API_KEY="", MAIL_SERVER="")
