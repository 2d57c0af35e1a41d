"""Form fields and forms shared by every domain, rendered with GOV.UK Frontend markup."""

import re
import secrets
from datetime import date

from flask_login import current_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from wtforms import DateField, FieldList, FormField, HiddenField, SubmitField

from portal.core import once
from portal.core.urls import NUL

NUL_MESSAGE = ("This answer has a hidden character the portal cannot save (a null "
               "character, sometimes copied from another program). Remove it and try again")


def has_nul(text: str | None) -> bool:
    """True for text PostgreSQL refuses to store (it has no NUL in its text types)."""
    return bool(text) and NUL in text


def _answer_fields(fields):
    """Every field that holds an answer, inside repeated groups and sub-forms too."""
    for field in fields:
        if isinstance(field, FieldList | FormField):
            yield from _answer_fields(field)
        else:
            yield field


def _sent_nul(field) -> bool:
    return any(isinstance(value, str) and has_nul(value) for value in field.raw_data or ())


class PortalForm(FlaskForm):
    """The base of every form in the portal.

    A NUL character in any answer is refused before any other check runs, so no
    validator or view ever sends it to the database (PostgreSQL refuses it: a server
    error). The field keeps what was sent, so the page comes back with the text.
    """

    def validate(self, extra_validators=None) -> bool:
        refused = [field for field in _answer_fields(self) if _sent_nul(field)]
        for field in refused:
            field.errors = [NUL_MESSAGE]
        if refused:
            return False
        return super().validate(extra_validators)


class GovDateField(DateField):
    """Day, month and year boxes with GOV.UK-style messages instead of WTForms' defaults.

    The field owns its own 'required' check so that a half-filled or impossible date
    gives one clear message, not two.
    """

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, required_message: str | None = None,
                 invalid_message: str = "Enter a real date", **kwargs):
        super().__init__(label, validators, format="%d %m %Y", **kwargs)
        self.required_message = required_message
        self.invalid_message = invalid_message

    def process_formdata(self, valuelist):
        # The widget shows exactly three boxes, whatever was (or was not) sent.
        self.raw_data = [*valuelist, "", "", ""][:3]
        parts = [value.strip() for value in self.raw_data]
        if not any(parts):
            self.data = None
            if self.required_message:
                raise ValueError(self.required_message)
            return
        try:
            day, month, year = (int(part) for part in parts)
            if not 1000 <= year <= 9999:
                raise ValueError("year must have four digits")
            self.data = date(year, month, day)
        except (ValueError, OverflowError) as error:
            self.data = None
            raise ValueError(self.invalid_message) from error


# Confirmations and one-time create forms -----------------------------------------------
class ConfirmForm(PortalForm):
    """A button-only form: CSRF protection for an action such as deactivate or sign off,
    sent from its confirmation page (templates/components/confirm.html)."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())


FORM_KEY = re.compile(r"[A-Za-z0-9_-]{20,64}")
STALE_FORM = "This page was out of date. Check your answers and send the form again."


def new_form_key() -> str:
    """A fresh one-time key for a create form (also a template global for plain forms)."""
    return secrets.token_urlsafe(24)


class FormKeyField(HiddenField):
    """The create form's one-time key. A form sent without one (a page from before keys,
    or a tampered request) is refused with a new key, so sending it again works."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, default=new_form_key, **kwargs)

    def process_formdata(self, valuelist):
        value = valuelist[0] if valuelist else ""
        if not FORM_KEY.fullmatch(value):
            self.data = new_form_key()
            raise ValueError(STALE_FORM)
        self.data = value


class OnceForm(PortalForm):
    """A form that creates something: sent twice, it creates it once (portal.core.once).

    Validating it claims its key for the signed-in person in the request's transaction,
    once every other check has passed; the view then calls `created(url)` with the page of
    what it made. A repeat of an already claimed key raises `once.AlreadySent`, which is
    answered with a redirect to that page.
    """

    form_key = FormKeyField()

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        once.claim(current_user.id, self.form_key.data)
        return True

    def created(self, location: str) -> None:
        """Where the record made by this form can be seen; a repeat is sent there."""
        once.record_location(current_user.id, self.form_key.data, location)


class OnceSubmitInput(GovSubmitInput):
    """A create form's button: GOV.UK Frontend ignores a second click within a second,
    so the browser usually sends the form only once (the server makes sure of it)."""

    def map_gov_params(self, field, **kwargs):
        params = super().map_gov_params(field, **kwargs)
        params.setdefault("preventDoubleClick", True)
        return params


class OnceConfirmForm(OnceForm):
    """A button-only form that creates something (start an assessment, add to an agenda)."""

    submit = SubmitField("Confirm", widget=OnceSubmitInput())
