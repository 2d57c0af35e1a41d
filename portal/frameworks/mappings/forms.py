"""The mapping editor's forms: choosing two versions (a GET form), adding a mapping."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import SelectField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.core.forms import OnceForm, OnceSubmitInput, PortalForm
from portal.frameworks.loader import MAPPING_NOTE_LENGTH


class ChooseVersionsForm(PortalForm):
    """Which two versions to edit the mapping between; a value not on the list (an edited
    address) is an error on its field, never a 500."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    from_id = SelectField("Map from", widget=GovSelect(),
                          validators=[InputRequired("Select the version to map from")])
    to_id = SelectField("Map to", widget=GovSelect(),
                        validators=[InputRequired("Select the version to map to")])
    submit = SubmitField("Show the mapping", widget=GovSubmitInput())

    def set_choices(self, frameworks) -> None:
        choices = [(str(f.id), f"{f.label} [{f.code}]") for f in frameworks]
        self.from_id.choices = [("", "Select a version"), *choices]
        self.to_id.choices = [("", "Select a version"), *choices]

    def validate_to_id(self, field):
        if field.data and field.data == self.from_id.data:
            raise ValidationError("Choose a different version to map to: a version cannot "
                                  "be mapped to itself")


class AddMappingForm(OnceForm):
    """One element to several, or several to one, with a note saying why."""

    from_element_ids = SelectMultipleField(
        "Elements of the version mapped from",
        description="Select one, or several that all map to one element.",
        widget=GovCheckboxesInput(), coerce=str,
        validators=[InputRequired("Select at least one element to map from")])
    to_element_ids = SelectMultipleField(
        "Elements of the version mapped to",
        description="Select one, or several that one element maps to.",
        widget=GovCheckboxesInput(), coerce=str,
        validators=[InputRequired("Select at least one element to map to")])
    note = TextAreaField(
        "Note (optional)", description="Why these elements correspond, for whoever checks "
        "the mapping later.", widget=GovTextArea(),
        validators=[Length(max=MAPPING_NOTE_LENGTH,
                           message=f"Keep the note to {MAPPING_NOTE_LENGTH} characters")])
    submit = SubmitField("Add mapping", widget=OnceSubmitInput())

    def set_choices(self, from_elements, to_elements) -> None:
        self.from_element_ids.choices = [(str(e.id), e.label) for e in from_elements]
        self.to_element_ids.choices = [(str(e.id), e.label) for e in to_elements]

    def chosen(self, field) -> list[int]:
        return [int(value) for value in field.data or ()]
