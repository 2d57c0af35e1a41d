"""The mapping editor's forms: choosing two versions (a GET form), adding a mapping."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovTextArea
from wtforms import SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.core.forms import OnceForm, OnceSubmitInput
from portal.frameworks.forms import version_pair_form
from portal.frameworks.loader import MAPPING_NOTE_LENGTH

ChooseVersionsForm = version_pair_form("map", "Show the mapping")


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
