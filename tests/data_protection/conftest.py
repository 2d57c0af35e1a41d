"""Fixtures for subject access tests: a candidate whose portfolio a panel has decided, with
evidence, an attachment, records, a notification, an email and outstanding links."""

import hashlib
from datetime import timedelta

import pytest

from portal.accounts.models import PasswordResetToken
from portal.core.dates import today_in_england
from portal.core.db import db, utcnow
from portal.notifications.email_models import OutgoingEmail
from portal.notifications.operations import notify
from portal.panels import decisions
from tests import factories
from tests.conftest import sign_in
from tests.panels.conftest import (  # noqa: F401 (fixtures)
    approval,
    council,
    panel_with_item,
)

REFLECTION = "I reflected on how the family's worries about the school shaped the visit."
RATIONALE = "Sound analysis of risk, well evidenced by the direct observations."
ATTACHED = b"%PDF-1.4\n% the visit notes of the subject\n"
RESET_SECRET = "a-reset-link-secret"


@pytest.fixture
def subject(council, panel_with_item):  # noqa: F811 (the fixtures imported above)
    """The candidate, with a panel decision, evidence, an attachment, supervision, a
    notification, an email, a reset link and an outside feedback link; committed."""
    _panel, item = panel_with_item
    details = approval(item)
    details.rationale = RATIONALE
    decisions.record_decision(council["chair"], item, item.version, details, today_in_england())
    candidate = item.portfolio.candidate
    entry = factories.evidence_entry(candidate, title="Visit to the Ahmed family",
                                     reflection=REFLECTION)
    factories.attachment(entry, name="Visit notes.pdf", content=ATTACHED)
    factories.supervision(item.portfolio, topics="Caseload and a difficult section 47")
    factories.feedback_request(candidate)
    notify(candidate.id, "Your assessor left feedback", "/evidence/")
    db.session.add(OutgoingEmail(recipient_id=candidate.id, kind="notification",
                                 to_address=candidate.email, context={"note_id": 1}))
    db.session.add(PasswordResetToken(
        user_id=candidate.id, token_hash=hashlib.sha256(RESET_SECRET.encode()).hexdigest(),
        expires_at=utcnow() + timedelta(hours=2)))
    db.session.commit()
    return candidate


@pytest.fixture
def administrator(council):  # noqa: F811 (the fixture imported above)
    admin = factories.user(council["org"], roles=["administrator"], name="Ada Admin")
    db.session.commit()
    return admin


def client_for(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client
