"""The evidence entry form and the list filters."""

import re

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from portal.core.dates import today_in_england
from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.evidence.models import EvidenceType
from portal.frameworks.link_rows import check_link_rows

REFLECTION_MAX = 20000
REASON_MAX = 200
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?/?\s*>")


class LinkForm(Form):
    """One framework element and why this entry shows it."""

    element_id = SelectField("Framework element", coerce=str, validate_choice=False)
    reason = StringField("Why this entry shows it", validators=[Length(max=REASON_MAX)])


class EvidenceForm(PortalForm):
    title = StringField(
        "Title",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a title"),
                    Length(max=200, message="Title must be 200 characters or fewer")],
    )
    occurred_on = GovDateField(
        "When did the practice or learning happen?",
        description="For example, 27 3 2026",
        required_message="Enter the date of the practice or learning",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    evidence_type = RadioField(
        "Type of evidence",
        widget=GovRadioInput(),
        choices=[(t.value, t.label) for t in EvidenceType],
        validators=[InputRequired("Select the type of evidence")],
    )
    reflection = TextAreaField(
        "Reflection",
        description=(
            "Plain text. Leave a blank line between paragraphs. Do not include names or "
            "details that could identify the people you work with."
        ),
        widget=GovCharacterCount(),
        validators=[Length(max=REFLECTION_MAX,
                           message=f"Reflection must be {REFLECTION_MAX} characters or fewer")],
    )
    links = FieldList(FormField(LinkForm), min_entries=3, max_entries=10)
    anonymised_confirmed = BooleanField(
        "I confirm this entry contains no names or details that could identify the people "
        "I work with",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save entry", widget=GovSubmitInput())

    def validate_occurred_on(self, field):
        if field.data and field.data > today_in_england():
            raise ValidationError("The date must be today or in the past")
        if field.data and field.data.year < 1990:
            raise ValidationError("Enter a date after 1990")

    def validate_reflection(self, field):
        if field.data and HTML_TAG.search(field.data):
            raise ValidationError(
                "Reflections are plain text: remove the HTML tags (such as <b> or <p>)"
            )

    def offer_elements(self, choices: list[tuple[str, str]], max_links: int) -> None:
        """Set the element choices on every link row and trim the rows to the limit."""
        while len(self.links.entries) > max_links:
            self.links.pop_entry()
        while len(self.links.entries) < max_links:
            self.links.append_entry()
        self.valid_element_ids = {value for value, _ in choices}
        for row in self.links:
            row.element_id.choices = [("", "Choose an element"), *choices]

    def validate_links(self, field):
        check_link_rows(field, self.valid_element_ids,
                        "Say in one line why this entry shows this element")

    def chosen_links(self) -> list[tuple[int, str]]:
        return [
            (int(row.element_id.data), row.reason.data.strip())
            for row in self.links
            if row.element_id.data
        ]


class DeleteEntryForm(PortalForm):
    submit = SubmitField("Yes, delete this entry", widget=GovSubmitInput())


class NewEvidenceForm(OnceForm, EvidenceForm):
    """A new entry: sent twice (a double click), it is saved once."""

    submit = SubmitField("Save entry", widget=OnceSubmitInput())
