"""Forms for choosing evidence, submitting, and changing a candidate's dates."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import IntegerField, RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from portal.core.forms import OnceForm, OnceSubmitInput, PortalForm


class IncludeEntryForm(OnceForm):
    section = SelectField("Section", coerce=str, validate_choice=True)
    submit = SubmitField("Add to portfolio", widget=OnceSubmitInput())


class SubmitForm(OnceForm):
    """Submit for a review point (choose which) or for the panel (once, however often sent)."""

    target = RadioField("What are you submitting for?", widget=GovRadioInput(),
                        validators=[InputRequired("Choose what you are submitting for")])
    submit = SubmitField("Submit portfolio", widget=OnceSubmitInput())


class ScheduleChangeForm(PortalForm):
    kind = RadioField(
        "Why are the dates changing?", widget=GovRadioInput(),
        choices=[("part_time", "Part-time working"), ("absence", "Absence (for example, "
                 "sickness or parental leave)"), ("other", "Something else")],
        validators=[InputRequired("Choose why the dates are changing")],
    )
    days = IntegerField(
        "How many days later should the remaining review points be?",
        description="For absence, the number of calendar days away.",
        widget=GovTextInput(), validators=[Optional(), NumberRange(1, 1100,
                                           "Enter a number of days between 1 and 1100")],
    )
    percent = IntegerField(
        "For part-time working: percentage of full time",
        description="For example, 80 for four days a week. We work out the extension.",
        widget=GovTextInput(), validators=[Optional(), NumberRange(10, 100,
                                           "Enter a percentage between 10 and 100")],
    )
    reason = TextAreaField(
        "Reason", widget=GovTextArea(),
        validators=[InputRequired("Explain the reason for the change"), Length(max=500)],
    )
    submit = SubmitField("Change the dates", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.data == "part_time" and not self.percent.data and not self.days.data:
            self.percent.errors = [*self.percent.errors, "Enter the percentage of full time"]
            return False
        if self.kind.data in {"absence", "other"} and not self.days.data:
            self.days.errors = [*self.days.errors, "Enter the number of days"]
            return False
        return valid


class NewScheduleChangeForm(OnceForm, ScheduleChangeForm):
    """Sent twice (a double click), the dates move once."""

    submit = SubmitField("Change the dates", widget=OnceSubmitInput())
