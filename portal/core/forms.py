"""Form fields shared by every domain, rendered with GOV.UK Frontend markup."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovDateInput, GovSubmitInput
from wtforms import DateField, SubmitField


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
            if year < 1000:
                raise ValueError("year must have four digits")
            self.data = date(year, month, day)
        except ValueError as error:
            self.data = None
            raise ValueError(self.invalid_message) from error


class ConfirmForm(FlaskForm):
    """A button-only form: CSRF protection for actions like deactivate."""

    submit = SubmitField("Confirm", widget=GovSubmitInput())
