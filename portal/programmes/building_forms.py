"""Forms for building a programme: its details and one row of each part.

Numbers are read as typed (a negative minimum reaches the programme's checks, which say
why it is refused); the whole programme is then checked by portal.programmes.validation.
"""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, Regexp, StopValidation

from portal.core.forms import OnceConfirmForm, OnceForm, OnceSubmitInput, PortalForm
from portal.evidence.models import EvidenceType
from portal.programmes.models import Outcome, ProgrammeKind, RecordKind

KIND_LABELS = {"asye": "ASYE or early career programme", "epd": "Early professional development",
               "progression": "Career progression"}
RECORD_LABELS = {"support_agreement": "Support and assessment agreement",
                 "development_plan": "Development plan", "supervision": "Supervision record",
                 "protected_time": "Protected time record",
                 "kss_self_assessment": "KSS self-assessment"}
CODE_RULE = Regexp(r"^[a-z0-9][a-z0-9-]*$",
                   message="Use lower-case letters, numbers and hyphens only")


class WholeNumberField(IntegerField):
    """A whole number (negative ones too: the programme's checks say why they are refused)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError("Enter a whole number, like 12") from None


class NeededForBlank:
    """Required when the programme starts blank; ignored when it starts from a template."""

    def __init__(self, message: str):
        self.message = message

    def __call__(self, form, field):
        if field.raw_data and str(field.raw_data[0]).strip():
            return
        field.errors[:] = []
        raise StopValidation(self.message if form.start_from.data == "blank" else None)


def _number(label: str, message: str, hint: str = "") -> WholeNumberField:
    return WholeNumberField(label, description=hint, widget=GovTextInput(),
                            validators=[InputRequired(message)])


def _code(label: str = "Code") -> StringField:
    return StringField(label, description="A short name the portal uses, like three-month",
                       widget=GovTextInput(), validators=[
                           InputRequired("Enter a code"), Length(max=40), CODE_RULE])


def _title(label: str = "Title") -> StringField:
    return StringField(label, widget=GovTextInput(), validators=[
        InputRequired(f"Enter the {label.lower()}"), Length(max=120)])


class DetailsForm(PortalForm):
    name = StringField("Programme name", widget=GovTextInput(), validators=[
        InputRequired("Enter the programme's name"), Length(max=200)])
    kind = RadioField("Kind of programme", widget=GovRadioInput(),
                      choices=[(k.value, KIND_LABELS[k.value]) for k in ProgrammeKind],
                      validators=[InputRequired("Select the kind of programme")])
    duration_months = _number("Length in months", "Enter the length in months",
                              "Between 1 and 60")
    submit = SubmitField("Save details", widget=GovSubmitInput())


class NewProgrammeForm(OnceForm):
    name = StringField("Programme name", widget=GovTextInput(), validators=[
        InputRequired("Enter the programme's name"), Length(max=200)])
    start_from = RadioField("Start from", widget=GovRadioInput(),
                            validators=[InputRequired("Choose how to start")])
    kind = RadioField("Kind of programme (for a blank programme)", widget=GovRadioInput(),
                      choices=[(k.value, KIND_LABELS[k.value]) for k in ProgrammeKind],
                      validators=[NeededForBlank("Select the kind of programme")])
    duration_months = WholeNumberField(
        "Length in months (for a blank programme)", widget=GovTextInput(),
        description="A template brings its own length; you can change it afterwards",
        validators=[NeededForBlank("Enter the length in months")])
    submit = SubmitField("Create programme", widget=OnceSubmitInput())

    def set_templates(self, templates: dict[str, dict]) -> None:
        self.start_from.choices = [("blank", "A blank programme")] + [
            (code, data["name"]) for code, data in templates.items()]


class StageForm(PortalForm):
    code = _code()
    title = _title()
    start_month = _number("Starts at month", "Enter the month the stage starts")
    end_month = _number("Ends at month", "Enter the month the stage ends")
    submit = SubmitField("Save stage", widget=GovSubmitInput())

    def values(self) -> dict:
        return {"code": self.code.data, "title": self.title.data,
                "start_month": self.start_month.data, "end_month": self.end_month.data}


class ReviewPointForm(PortalForm):
    code = _code()
    title = _title()
    due_month = _number("Month due", "Enter the month the review is due",
                        "Months after the candidate's start; 0 is the start")
    optional = BooleanField("This review is optional", widget=GovCheckboxInput())
    final = BooleanField("This is the final review", widget=GovCheckboxInput())
    needs = TextAreaField("What this review needs", widget=GovTextArea(),
                          description="What the candidate and assessor bring to it",
                          validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save review point", widget=GovSubmitInput())

    def values(self) -> dict:
        return {"code": self.code.data, "title": self.title.data,
                "due_month": self.due_month.data, "optional": self.optional.data,
                "final": self.final.data, "needs": (self.needs.data or "").strip()}


class ComponentForm(PortalForm):
    code = _code()
    title = _title()
    counts = SelectField(
        "What counts towards it", widget=GovSelect(),
        choices=[("", "Choose")]
        + [(f"evidence:{t.value}", f"Evidence: {t.label}") for t in EvidenceType]
        + [(f"record:{k.value}", f"Record: {RECORD_LABELS[k.value]}") for k in RecordKind],
        validators=[InputRequired("Choose what counts towards it")])
    min_count = _number("At least how many", "Enter the minimum",
                        "0 to 100; per stage when stages are chosen below")
    per_stage = SelectMultipleField(
        "Count it separately in each of these stages", widget=GovCheckboxesInput(),
        description="Choose none to count it over the whole programme", coerce=str)
    description = TextAreaField("Description", widget=GovTextArea(),
                                validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save required part", widget=GovSubmitInput())

    def values(self) -> dict:
        source, _, value = (self.counts.data or "").partition(":")
        return {"code": self.code.data, "title": self.title.data, source: value,
                "min_count": self.min_count.data, "per_stage": self.per_stage.data or None,
                "description": (self.description.data or "").strip()}


class DecisionCodeForm(PortalForm):
    code = _code()
    label = StringField("Wording", widget=GovTextInput(), validators=[
        InputRequired("Enter the wording"), Length(max=200)])
    outcome = RadioField("What it means for the candidate", widget=GovRadioInput(),
                         choices=[(o.value, o.label) for o in Outcome],
                         validators=[InputRequired("Choose what it means")])
    submit = SubmitField("Save decision code", widget=GovSubmitInput())

    def values(self) -> dict:
        return {"code": self.code.data, "label": self.label.data,
                "outcome": self.outcome.data}


class FrameworksForm(PortalForm):
    framework_ids = SelectMultipleField(
        "Frameworks this programme assesses against", widget=GovCheckboxesInput(),
        description="Only active framework versions can be chosen", coerce=str)
    submit = SubmitField("Save frameworks", widget=GovSubmitInput())


class NewVersionForm(OnceConfirmForm):
    """Starting a new version creates a row: sent twice, it starts one."""


PART_FORMS = {"stages": StageForm, "review_points": ReviewPointForm,
              "components": ComponentForm, "decision_codes": DecisionCodeForm}
