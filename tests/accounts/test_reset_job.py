"""The reset request's job: the same job whether or not the address has an account, and its
arguments (written to the queue and printed by the worker) hold no address."""

import pytest
from sqlalchemy import text

from portal.core.db import db
from portal.core.mail import outbox
from tests import factories


@pytest.mark.postgres_only
def test_the_queued_job_names_the_account_by_id_or_none(client, org, postgres_queue):
    person = factories.user(org, email="amara@example.org")
    db.session.commit()
    for typed in ("Amara@example.org", "nobody@example.org"):
        assert client.post("/password-reset", data={"email": typed}).status_code == 200
    with db.engine.connect() as connection:
        queued = connection.execute(text(
            "SELECT task_name, args FROM procrastinate_jobs ORDER BY id")).all()
    assert queued == [("accounts.request_password_reset", {"account_id": person.id}),
                      ("accounts.request_password_reset", {"account_id": None})]


def test_only_the_account_with_the_address_is_emailed(client, org):
    factories.user(org, email="amara@example.org")
    db.session.commit()
    for typed in ("Amara@example.org", "nobody@example.org"):
        assert client.post("/password-reset", data={"email": typed}).status_code == 200
    assert [sent.to for sent in outbox()] == ["amara@example.org"]
