"""Cohort forms."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.organisations.models import EntryRoute


class CohortForm(PortalForm):
    name = StringField(
        "Cohort name",
        description="For example, ASYE children's services September 2026",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a name for the cohort"), Length(max=200)],
    )
    programme_id = SelectField(
        "Programme", widget=GovSelect(), coerce=str,
        validators=[InputRequired("Select a programme")],
    )
    start_date = GovDateField(
        "Start date",
        description="For example, 1 9 2026",
        required_message="Enter the cohort's start date",
        invalid_message="Enter the start date as a real date, like 1 9 2026",
    )
    entry_route = RadioField(
        "Entry route",
        widget=GovRadioInput(),
        choices=[(route.value, route.label) for route in EntryRoute],
        validators=[InputRequired("Select the entry route")],
    )
    submit = SubmitField("Save cohort", widget=GovSubmitInput())

    def validate_start_date(self, field):
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 1, 1):
            raise ValidationError("Enter a start date between 2000 and 2100")

    def set_programme_choices(self, programmes) -> None:
        self.programme_id.choices = [("", "Select a programme")] + [
            (str(p.id), p.name if p.version == 1 else f"{p.name} (version {p.version})")
            for p in programmes
        ]


class NewCohortForm(OnceForm, CohortForm):
    """Sent twice (a double click), one cohort is made."""

    submit = SubmitField("Save cohort", widget=OnceSubmitInput())


class AddCandidateForm(OnceForm):
    """Found by email address, so the page stays small however large the council is."""

    candidate_email = StringField(
        "Candidate's email address",
        description="They must already have an account with the candidate role.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the candidate's email address"), Length(max=254)],
    )
    submit = SubmitField("Add to cohort", widget=OnceSubmitInput())
