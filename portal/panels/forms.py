"""The panel pages' forms: scheduling a panel, adding to its agenda, a member's notes."""

from datetime import date

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput
from portal.panels import operations
from portal.panels.models import Outcome

OUTCOME_LABELS = {
    Outcome.APPROVED.value: "Approve",
    Outcome.APPROVED_WITH_ACTIONS.value: "Approve with development actions",
    Outcome.DEFERRED.value: "Defer: more evidence needed by a date",
    Outcome.NOT_APPROVED.value: "Do not approve",
}


class PanelForm(FlaskForm):
    title = StringField(
        "Title", description="For example, ASYE progression panel, January 2027",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a title for the panel"), Length(max=200)],
    )
    sits_on = GovDateField(
        "Date of the panel", description="For example, 20 1 2027",
        required_message="Enter the date of the panel",
        invalid_message="Enter the date of the panel as a real date, like 20 1 2027",
    )
    programme_ids = SelectMultipleField(
        "Programmes", description="Select all the programmes whose portfolios it considers.",
        widget=GovCheckboxesInput(), coerce=str,
        validators=[InputRequired("Select at least one programme")],
    )
    chair_id = SelectField("Chair", widget=GovSelect(), coerce=str,
                           validators=[InputRequired("Select the chair of the panel")])
    member_ids = SelectMultipleField(
        "Members", description="The chair counts as a member. Select all that apply.",
        widget=GovCheckboxesInput(), coerce=str,
    )
    min_members = IntegerField(
        "Fewest members the panel can sit with, including the chair",
        widget=GovTextInput(), default=3,
        validators=[InputRequired("Enter the fewest members the panel can sit with"),
                    NumberRange(1, 20, "Enter a number of members between 1 and 20")],
    )
    submit = SubmitField("Create panel", widget=GovSubmitInput())

    def validate_sits_on(self, field):
        if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 1, 1):
            raise ValidationError("Enter a date between 2000 and 2100")

    def validate_member_ids(self, field):
        if not self.chair_id.data or not isinstance(self.min_members.data, int):
            return
        everyone = set(field.data or []) | {self.chair_id.data}
        if len(everyone) < self.min_members.data:
            raise ValidationError(f"A panel needs at least {self.min_members.data} members "
                                  "including the chair: select more members")

    def details(self) -> operations.PanelDetails:
        return operations.PanelDetails(
            title=self.title.data, sits_on=self.sits_on.data, chair_id=int(self.chair_id.data),
            member_ids=[int(i) for i in self.member_ids.data or []],
            programme_ids=[int(i) for i in self.programme_ids.data or []],
            min_members=self.min_members.data)


class NewPanelForm(OnceForm, PanelForm):
    """Sent twice (a double click), one panel is made and its members told once."""

    submit = SubmitField("Create panel", widget=OnceSubmitInput())


class AgendaForm(OnceForm):
    """Sent twice (a double click), the portfolio goes on the agenda once."""

    portfolio_id = HiddenField(validators=[InputRequired()])


class NoteForm(OnceForm):
    """A member's notes (made on the first save): sent twice, saved once."""

    notes = TextAreaField(
        "Your private notes", description="Only you can see these.", widget=GovTextArea(),
        validators=[Length(max=10000, message="Notes must be 10,000 characters or fewer")],
    )
    # An empty choice is allowed: a member may write notes before forming a view.
    provisional_view = RadioField("Your provisional view", widget=GovRadioInput(),
                                  choices=list(OUTCOME_LABELS.items()), validate_choice=False)
    submit = SubmitField("Save notes", widget=OnceSubmitInput())

    def validate_provisional_view(self, field):
        if field.data and field.data not in OUTCOME_LABELS:
            raise ValidationError("Choose a provisional view")
