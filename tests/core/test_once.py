"""One-time form keys: the plumbing behind 'a create form sent twice makes one record'.
Each create form's own test (tests/core/test_create_forms_once.py) sends it twice."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict
from wtforms import SubmitField

from portal.core import once
from portal.core.db import db, utcnow
from portal.core.forms import STALE_FORM, FormKeyField, OnceSubmitInput, new_form_key
from tests import factories


def _claims() -> int:
    return db.session.scalar(select(func.count(once.FormSubmission.id)))


def test_a_key_is_claimed_once_per_person(org):
    first, second = factories.user(org), factories.user(org)
    key = new_form_key()
    once.claim(first.id, key)
    once.record_location(first.id, key, "/evidence/7")
    db.session.commit()
    with pytest.raises(once.AlreadySent) as sent:
        once.claim(first.id, key)
    db.session.rollback()
    assert once.first_result(sent.value.user_id, sent.value.form_key) == "/evidence/7"
    once.claim(second.id, key)  # someone else's key is theirs alone
    db.session.commit()
    assert _claims() == 2


def test_a_claim_rolled_back_with_its_change_can_be_made_again(org):
    person = factories.user(org)
    db.session.commit()
    key = new_form_key()
    once.claim(person.id, key)
    db.session.rollback()  # the change was refused: nothing of it stays, the key included
    once.claim(person.id, key)
    db.session.commit()
    assert _claims() == 1


def test_old_claims_are_cleared_when_the_person_claims_again(org):
    person = factories.user(org)
    old_key = new_form_key()
    once.claim(person.id, old_key)
    db.session.commit()
    db.session.execute(once.FormSubmission.__table__.update().values(
        created_at=utcnow() - once.KEEP_FOR - timedelta(days=1)))
    once.claim(person.id, new_form_key())
    db.session.commit()
    assert _claims() == 1
    assert once.first_result(person.id, old_key) is None


class _KeyedForm(FlaskForm):
    class Meta:
        csrf = False

    form_key = FormKeyField()
    submit = SubmitField("Save entry", widget=OnceSubmitInput())


@pytest.mark.parametrize("sent", [None, "", "short", "has spaces in it, far too many",
                                  "x" * 65, "<script>alert(1)</script>aaaaaaaaaaaa"])
def test_a_missing_or_odd_key_is_refused_with_a_fresh_one(app, sent):
    data = MultiDict({} if sent is None else {"form_key": sent})
    with app.test_request_context(method="POST"):
        form = _KeyedForm(formdata=data)
        assert not form.validate()
        assert form.form_key.errors == [STALE_FORM]
        assert form.form_key.data != sent and len(form.form_key.data) >= 20
        assert f'value="{form.form_key.data}"' in str(form.form_key())


def test_a_good_key_is_kept_and_a_drawn_form_gets_a_new_one_each_time(app):
    key = new_form_key()
    with app.test_request_context(method="POST"):
        assert _KeyedForm(formdata=MultiDict({"form_key": key})).form_key.data == key
    with app.test_request_context():
        drawn = {_KeyedForm().form_key.data for _ in range(3)}
    assert len(drawn) == 3


def test_the_create_button_asks_govuk_frontend_to_ignore_a_double_click(app):
    with app.test_request_context():
        button = BeautifulSoup(str(_KeyedForm().submit()), "html.parser").button
    assert button["data-prevent-double-click"] == "true"
    assert button["data-module"] == "govuk-button"
