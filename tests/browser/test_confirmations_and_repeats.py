"""Issue 18 in a real browser: a double click on 'Save entry' saves one entry, and
deactivating an account goes through its confirmation page (no JavaScript dialog), each
page checked by axe."""

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.db import db
from portal.demo import data
from portal.evidence.models import EvidenceEntry
from tests.browser.conftest import assert_no_axe_violations
from tests.browser.test_sign_in_journeys import sign_in

pytestmark = pytest.mark.browser


def _entries_titled(app, title: str) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(EvidenceEntry.id)).where(
            EvidenceEntry.title == title))


def test_a_double_click_on_save_entry_saves_one_entry(page: Page, app, seeded_demo):
    sign_in(page, data.email_for("candidate"))
    page.goto("/evidence/new")
    page.get_by_label("Title").fill("Double-clicked reflection")
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Critical reflection").check()
    page.get_by_role("button", name="Save entry").dblclick()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Double-clicked reflection")
    assert _entries_titled(app, "Double-clicked reflection") == 1


def test_deactivating_asks_on_its_own_page_first(page: Page, app, seeded_demo):
    dialogs = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    with app.app_context():
        person = db.session.scalar(select(User).where(
            User.email == data.email_for("manager")))
        person_id, name = person.id, person.name
    sign_in(page, data.email_for("admin"))
    page.goto(f"/admin/users/{person_id}")
    page.get_by_role("button", name=f"Deactivate {name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Are you sure you want to deactivate {name}?")
    expect(page.locator("main")).to_contain_text("will be signed out everywhere")
    assert_no_axe_violations(page)
    page.get_by_role("link", name="No, keep the account active").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Edit {name}")
    page.get_by_role("button", name=f"Deactivate {name}").click()
    page.get_by_role("button", name=f"Yes, deactivate {name}").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "has been deactivated")
    assert dialogs == []
    with app.app_context():
        assert db.session.get(User, person_id).active is False
