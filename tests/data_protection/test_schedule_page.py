"""Administrators see the retention schedule and the last run's counts; nobody else does.
The privacy notice is public, linked from every page's footer, with the council's details
from settings."""

import re
from datetime import timedelta

import pytest

from portal.core.db import db, utcnow
from portal.data_protection import retention
from tests import factories
from tests.data_protection.conftest import client_for


def test_the_schedule_page_shows_the_periods_and_the_last_run(app, subject, administrator):
    client = client_for(app, administrator)
    page = client.get("/admin/data-protection").get_data(as_text=True)
    assert "6 years after they left" in page and "7 days after they were made" in page
    assert "has not been applied yet" in page
    counts = retention.run(utcnow() + timedelta(days=400))  # the notifications are due
    db.session.commit()
    page = client.get("/admin/data-protection").get_data(as_text=True)
    last_run = page[page.index('id="last-run"'):]
    shown = re.search(r"Notifications in the portal</th>\s*<td[^>]*>(\d+)</td>", last_run)
    assert counts["notifications"] > 0 and shown.group(1) == str(counts["notifications"])


def test_the_users_page_links_to_it(app, administrator):
    page = client_for(app, administrator).get("/admin/users/").get_data(as_text=True)
    assert 'href="/admin/data-protection"' in page


@pytest.mark.parametrize("role", ["candidate", "assessor", "programme_lead"])
def test_only_administrators_see_the_schedule(app, council, role):
    client = client_for(app, factories.user(council["org"], roles=[role]))
    assert client.get("/admin/data-protection").status_code == 403


def test_the_privacy_notice_is_public_and_names_the_council(app):
    app.config.update(PRIVACY_CONTROLLER="Anytown Council",
                      PRIVACY_DPO_EMAIL="dpo@anytown.gov.uk")
    page = app.test_client().get("/privacy")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Anytown Council" in text and 'href="mailto:dpo@anytown.gov.uk"' in text
    for heading in ("What we hold", "lawful basis", "How long we keep it", "Your rights"):
        assert heading in text


def test_every_page_links_to_the_privacy_notice(app, administrator):
    page = client_for(app, administrator).get("/admin/users/").get_data(as_text=True)
    assert 'href="/privacy"' in page
    sign_in_page = app.test_client().get("/privacy").get_data(as_text=True)
    assert 'href="/privacy"' in sign_in_page
