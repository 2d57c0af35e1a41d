"""Forms for direct observations: the observer's record, the candidate's reflection, and
the bare forms behind the complete and sign-off buttons."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import FieldList, Form, FormField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.assessment.observations.operations import OBSERVATION_MAX_LINKS
from portal.core.dates import today_in_england
from portal.core.forms import GovDateField, OnceForm, PortalForm
from portal.evidence.forms import HTML_TAG, REASON_MAX
from portal.frameworks.link_rows import check_link_rows

# Together (with headings) these stay under the evidence log's 20,000-character
# reflection, so the signed-off entry can still be edited by the candidate.
TEXT_LIMITS = {
    "what_was_observed": 4000,
    "analysis": 5000,
    "strengths": 3000,
    "areas_to_develop": 3000,
    "candidate_reflection": 4000,
}
SETTING_MAX = 300


def _plain(field) -> None:
    if field.data and HTML_TAG.search(field.data):
        raise ValidationError("Write plain text: remove the HTML tags (such as <b> or <p>)")


def _text_area(label: str, name: str, description: str = "") -> TextAreaField:
    limit = TEXT_LIMITS[name]
    return TextAreaField(
        label, description=description, widget=GovCharacterCount(),
        validators=[Length(max=limit, message=f"{label} must be {limit} characters or fewer")],
    )


class ObservationLinkForm(Form):
    """One framework element and why the observed practice shows it."""

    element_id = SelectField("Framework element", coerce=str, validate_choice=False)
    reason = StringField("Why the practice shows it", validators=[Length(max=REASON_MAX)])


class ObservationForm(PortalForm):
    observer_id = SelectField(
        "Observer", coerce=str, validate_choice=False, widget=GovSelect(),
        description="You, or another qualified assessor who observed the practice. They "
                    "can then edit this record.",
    )
    observed_on = GovDateField(
        "Date of the observation",
        description="For example, 27 3 2026",
        required_message="Enter the date of the observation",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    setting = StringField(
        "Setting", widget=GovTextInput(),
        description="For example, a home visit or a child protection conference. Do not "
                    "include names.",
        validators=[InputRequired("Enter the setting of the observation"),
                    Length(max=SETTING_MAX,
                           message=f"Setting must be {SETTING_MAX} characters or fewer")],
    )
    what_was_observed = _text_area("What was observed", "what_was_observed")
    analysis = _text_area("Observer's analysis", "analysis",
                          "How the practice shows the framework elements linked below.")
    strengths = _text_area("Strengths", "strengths")
    areas_to_develop = _text_area("Areas to develop", "areas_to_develop")
    links = FieldList(FormField(ObservationLinkForm), min_entries=OBSERVATION_MAX_LINKS,
                      max_entries=OBSERVATION_MAX_LINKS)
    submit = SubmitField("Save", widget=GovSubmitInput())

    def validate_observed_on(self, field):
        if field.data and field.data > today_in_england():
            raise ValidationError("The date must be today or in the past")
        if field.data and field.data.year < 1990:
            raise ValidationError("Enter a date after 1990")

    def validate_what_was_observed(self, field):
        _plain(field)

    def validate_analysis(self, field):
        _plain(field)

    def validate_strengths(self, field):
        _plain(field)

    def validate_areas_to_develop(self, field):
        _plain(field)

    def offer_observers(self, observers, default_id: int | None) -> None:
        self.observer_ids = {str(o.id) for o in observers}
        self.observer_id.choices = [(str(o.id), o.name) for o in observers]
        if not self.observer_id.data and default_id is not None:
            self.observer_id.data = str(default_id)

    def validate_observer_id(self, field):
        if field.data not in getattr(self, "observer_ids", set()):
            raise ValidationError("Choose the observer from the list")

    def offer_elements(self, choices: list[tuple[str, str]]) -> None:
        self.valid_element_ids = {value for value, _ in choices}
        for row in self.links:
            row.element_id.choices = [("", "No element"), *choices]

    def validate_links(self, field):
        check_link_rows(field, self.valid_element_ids,
                        "Say in one line why the observed practice shows this element")

    def add_problem(self, name: str, message: str) -> None:
        """Show a problem found by the operation (e.g. completion) against its field."""
        if name.startswith("links-"):
            _, index, sub = name.split("-", 2)
            self.links[int(index)][sub].errors.append(message)
            self.links.errors = [row.errors for row in self.links]
        else:
            self[name].errors = [*self[name].errors, message]

    def chosen_links(self) -> list[tuple[int, str]]:
        return [(int(row.element_id.data), (row.reason.data or "").strip())
                for row in self.links if row.element_id.data]


class ReflectionForm(PortalForm):
    """The candidate writes only this; any other field sent is ignored."""

    candidate_reflection = _text_area(
        "Your reflection", "candidate_reflection",
        "What you did, why, and what you would do differently. Plain text; leave a blank "
        "line between paragraphs. Do not include names.")
    submit = SubmitField("Save your reflection", widget=GovSubmitInput())

    def validate_candidate_reflection(self, field):
        _plain(field)


class TransitionForm(PortalForm):
    """The CSRF-protected form behind the sign-off button."""


class NewObservationForm(OnceForm, ObservationForm):
    """Recording an observation: sent twice (a double click), it is recorded once."""
