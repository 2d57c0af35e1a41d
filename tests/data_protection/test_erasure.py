"""Erasing a person who has left: the page says what goes and what stays; afterwards
nothing of theirs can be found (name, email, words, files) while the workforce reports
still count them; refused while their work is still open."""

from datetime import date

import pytest
from sqlalchemy import JSON, String, Text, cast, func, or_, select

from portal.accounts.models import User
from portal.accounts.single_sign_on.models import SignOnIdentity
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.core.storage import get_storage
from portal.data_protection import erasure, holdings
from portal.data_protection.models import SubjectAccessExport
from portal.evidence.models import Attachment
from portal.notifications.models import Notification
from portal.packs.copies import operations as copies
from portal.packs.copies.models import AnonymisedCopy, RedactionDecision
from portal.portfolios.models import Portfolio
from portal.reports.filters import Filters
from portal.reports.models import LeavingRecord, ProfessionalRegistration
from portal.reports.queries import progression_rows, retention_rows
from tests import factories
from tests.data_protection.conftest import ATTACHED, RATIONALE, REFLECTION, client_for

TOPICS = "Caseload and a difficult section 47"


def _erase_url(person) -> str:
    return f"/admin/users/{person.id}/erase"


def _texts_anywhere(*needles: str) -> list[str]:
    """Every table and text column that still holds any of `needles` (JSON as text)."""
    found = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        for column in columns:
            value = cast(column, Text) if isinstance(column.type, JSON) else column
            hits = db.session.scalar(select(func.count()).select_from(table).where(
                or_(*(value.contains(needle) for needle in needles))))
            if hits:
                found.append(f"{table.name}.{column.name}")
    return found


def _stored_names(subject_id: int) -> list[str]:
    return list(db.session.scalars(select(Attachment.stored_name).where(
        Attachment.owner_id == subject_id)))


def test_every_kind_of_record_about_a_person_has_an_erasure_rule():
    kinds = {name for file in holdings.files_for(1).values() for name, _m, _c in file}
    assert kinds == set(erasure.RULES)


def test_the_page_says_what_goes_and_what_stays(app, subject, administrator):
    page = client_for(app, administrator).get(_erase_url(subject))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "What will be deleted" in text and "What is kept, anonymised" in text
    assert "panel decisions" in text.lower()
    assert f'action="{_erase_url(subject)}"' in text


def test_erasing_leaves_nothing_of_theirs_to_find(app, subject, administrator):
    name, email, subject_id = subject.name, subject.email, subject.id
    stored = _stored_names(subject_id)
    assert stored and _texts_anywhere(name, email, REFLECTION, RATIONALE, TOPICS)
    client = client_for(app, administrator)
    client.post(f"/admin/users/{subject_id}/subject-access")  # a zip of it all, too
    export = db.session.scalar(select(SubjectAccessExport))
    export_file = export.stored_name
    found = client.get("/admin/users/", query_string={"q": name}).get_data(as_text=True)
    assert f'href="/admin/users/{subject_id}"' in found

    response = client.post(_erase_url(subject), follow_redirects=True)

    assert "personal data has been erased" in response.get_data(as_text=True)
    db.session.expire_all()
    assert _texts_anywhere(name, email, REFLECTION, RATIONALE, TOPICS) == []
    storage = get_storage()
    assert not any(storage.exists(s) for s in [*stored, export_file])
    assert _stored_names(subject_id) == []
    # The admin's user search finds nothing by the old name or email.
    for query in (name, email):
        listing = client.get("/admin/users/", query_string={"q": query})
        assert f'href="/admin/users/{subject_id}"' not in listing.get_data(as_text=True)
    person = db.session.get(User, subject_id)
    assert person.erased_at is not None and not person.active
    assert person.password_hash is None


def test_the_reports_still_count_them(app, subject, administrator):
    organisation_id = subject.organisation_id
    factories_left = LeavingRecord(organisation_id=organisation_id, candidate_id=subject.id,
                                   left_on=date(2027, 3, 1), reason="resignation")
    db.session.add(factories_left)
    db.session.commit()
    before = (progression_rows(organisation_id, Filters()),
              retention_rows(organisation_id, Filters()))

    client_for(app, administrator).post(_erase_url(subject))

    db.session.expire_all()
    after = (progression_rows(organisation_id, Filters()),
             retention_rows(organisation_id, Filters()))
    assert after == before and len(after[0]) == 1 and after[1][0].left_on == date(2027, 3, 1)


def test_erasure_is_audited_without_the_erased_details(app, subject, administrator):
    name, email = subject.name, subject.email
    client_for(app, administrator).post(_erase_url(subject))
    row = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.erased"))
    assert row.actor_id == administrator.id and row.object_id == subject.id
    assert row.details["reason"] == "erasure_request" and row.details["entries"] == 1
    assert name not in str(row.details) and email not in str(row.details)


def test_an_erased_account_cannot_sign_in_or_be_reactivated(app, subject, administrator):
    client = client_for(app, administrator)
    client.post(_erase_url(subject))
    response = client.post(f"/admin/users/{subject.id}/reactivate", follow_redirects=True)
    assert "cannot be reactivated" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(User, subject.id).active
    again = client.get(_erase_url(subject)).get_data(as_text=True)
    assert "already been erased" in again


def test_refused_while_their_portfolio_is_open(app, panel_with_item, administrator):
    candidate = panel_with_item[1].portfolio.candidate
    candidate.name = "Olive Open"
    db.session.commit()
    client = client_for(app, administrator)
    page = client.get(_erase_url(candidate)).get_data(as_text=True)
    assert "portfolio that is still open" in page and "Yes, erase" not in page
    response = client.post(_erase_url(candidate), follow_redirects=True)
    assert "portfolio that is still open" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, candidate.id).name == "Olive Open"


def test_refused_while_they_wait_on_a_panel_agenda(app, council, panel_with_item,
                                                    administrator):
    _panel, item = panel_with_item
    item.portfolio.state = "decided"  # only the agenda holds them now
    db.session.commit()
    with pytest.raises(erasure.ErasureRefused, match="waiting on a panel"):
        erasure.erase(administrator, item.portfolio.candidate, reason="erasure_request")


def test_you_cannot_erase_yourself(app, administrator):
    assert "your own account" in erasure.refusal(administrator, administrator)


@pytest.mark.parametrize("role", ["candidate", "assessor", "programme_lead", "panel_chair"])
def test_only_administrators(app, council, subject, role):
    client = client_for(app, factories.user(council["org"], roles=[role]))
    assert client.get(_erase_url(subject)).status_code == 403
    assert client.post(_erase_url(subject)).status_code == 403
    db.session.expire_all()
    assert db.session.get(User, subject.id).erased_at is None


def test_another_councils_person_is_not_found(app, subject):
    elsewhere = factories.user(factories.organisation(), roles=["administrator"])
    client = client_for(app, elsewhere)
    assert client.get(_erase_url(subject)).status_code == 404
    assert client.post(_erase_url(subject)).status_code == 404


def test_the_post_needs_the_csrf_token(app, subject, administrator):
    client_for(app, administrator).post(_erase_url(subject), csrf=False)
    db.session.expire_all()
    assert db.session.get(User, subject.id).erased_at is None


def test_the_attached_file_content_is_gone_from_storage(app, subject, administrator):
    storage = get_storage()
    stored = _stored_names(subject.id)
    with storage.open(stored[0]) as before:
        assert before.read() == ATTACHED
    client_for(app, administrator).post(_erase_url(subject))
    with pytest.raises(FileNotFoundError):
        storage.open(stored[0])


def test_an_erased_account_cannot_be_given_its_details_back(app, subject, administrator):
    client = client_for(app, administrator)
    client.post(_erase_url(subject))
    response = client.post(f"/admin/users/{subject.id}", data={
        "name": "Back Again", "email": "back@example.org", "roles": ["candidate"],
        "team_id": ""})
    assert response.status_code == 400
    assert "An erased account cannot be changed" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, subject.id).name == f"Erased person {subject.id}"


def test_erasing_removes_their_council_sign_in_link(app, subject, administrator):
    db.session.add(SignOnIdentity(user_id=subject.id, issuer="https://idp.example/t",
                                  subject="object-id-of-the-person", linked_by="password"))
    db.session.commit()
    client_for(app, administrator).post(_erase_url(subject))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(SignOnIdentity.id))) == 0


def test_erasing_removes_their_registration_details(app, subject, administrator):
    db.session.add(ProfessionalRegistration(
        organisation_id=subject.organisation_id, candidate_id=subject.id,
        qualified_on=date(2024, 6, 30), swe_number="SW12345"))
    db.session.commit()
    client_for(app, administrator).post(_erase_url(subject))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ProfessionalRegistration.id))) == 0


def test_messages_in_another_council_are_left_alone(app, subject, administrator):
    """Someone elsewhere may have the same name: erasure changes only the messages its
    own council's people were sent."""
    stranger = factories.user(factories.organisation(), name=subject.name)
    message = f"Decision recorded for {subject.name}"
    db.session.add(Notification(recipient_id=stranger.id, message=message, link="/home"))
    db.session.commit()
    client_for(app, administrator).post(_erase_url(subject))
    db.session.expire_all()
    assert db.session.scalar(select(Notification.message).where(
        Notification.recipient_id == stranger.id)) == message


def test_erasing_removes_anonymised_copies_of_their_submissions(app, subject, administrator,
                                                                council):
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == subject.id))
    copies.start_copy(council["lead"], portfolio.current_snapshot)
    db.session.commit()
    assert db.session.scalar(select(func.count(AnonymisedCopy.id))) == 1
    client_for(app, administrator).post(_erase_url(subject))
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AnonymisedCopy.id))) == 0
    assert db.session.scalar(select(func.count(RedactionDecision.id))) == 0
