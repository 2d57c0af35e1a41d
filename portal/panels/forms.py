"""The panel pages' forms: scheduling, editing and cancelling a panel, its agenda, a
member's notes, attendance, and the decision (with its correction and review)."""

from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.panels.decisions import DecisionDetails
from portal.panels.operations import PanelDetails
from portal.programmes.models import Outcome

TEXT_MAX = 10000
REVIEW_OUTCOMES = {"upheld": "The decision is upheld",
                   "changed": "The decision is to be changed (record a correction)"}

OUTCOME_LABELS = {
    Outcome.APPROVED.value: "Approve",
    Outcome.APPROVED_WITH_ACTIONS.value: "Approve with development actions",
    Outcome.DEFERRED.value: "Defer: more evidence needed by a date",
    Outcome.NOT_APPROVED.value: "Do not approve",
}


class PanelForm(PortalForm):
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
        "Quorum: members who must be present, including the chair",
        description="The panel decides on a portfolio only when the chair and at least this "
                    "many members are present without a conflict of interest with it.",
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

    def details(self) -> PanelDetails:
        return PanelDetails(
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


def _reason_field(label: str, description: str, missing: str) -> TextAreaField:
    """Why something irreversible is done: kept with the record, never in the audit row."""
    return TextAreaField(label, widget=GovTextArea(), description=description, validators=[
        DataRequired(missing),
        Length(max=2000, message="The reason must be 2,000 characters or fewer")])


class CancelPanelForm(PortalForm):
    reason = _reason_field(
        "Why the panel is cancelled", "Its members are told. Portfolios on its agenda go back "
        "to waiting for a panel.", "Explain why the panel is cancelled")
    submit = SubmitField("Cancel the panel", widget=GovSubmitInput())


class RemoveItemForm(PortalForm):
    reason = _reason_field(
        "Why the portfolio is taken off the agenda", "The candidate and their assessor are "
        "told that it will go to a later panel.",
        "Explain why the portfolio is taken off the agenda")
    submit = SubmitField("Take it off the agenda", widget=GovSubmitInput())


class AttendanceForm(PortalForm):
    present_ids = SelectMultipleField(
        "Who is present", description="Select everyone at the panel, the chair included.",
        widget=GovCheckboxesInput(), coerce=str, validate_choice=False)
    submit = SubmitField("Record attendance", widget=GovSubmitInput())

    def validate_present_ids(self, field):
        if not set(field.data or []) <= {value for value, _label in field.choices}:
            raise ValidationError("Choose members of this panel")


# The decision -----------------------------------------------------------------------------
def _action_form(number: int) -> type[Form]:
    """The fields of one action (what, who, by when); messages say which action."""

    class ActionForm(Form):
        description = TextAreaField(
            "What will be done", widget=GovTextArea(),
            validators=[Length(max=TEXT_MAX, message=f"Action {number} must be "
                               f"{TEXT_MAX:,} characters or fewer")])
        owner = StringField(
            "Who owns it", widget=GovTextInput(),
            validators=[Length(max=200, message=f"The owner of action {number} must be 200 "
                               "characters or fewer")])
        due_on = GovDateField("By when", description="For example, 31 3 2027",
                              invalid_message=f"Enter a real date for action {number}")

        def is_blank(self) -> bool:
            return not ((self.description.data or "").strip() or (self.owner.data or "").strip()
                        or any(part.strip() for part in self.due_on.raw_data or []))

        def action(self) -> tuple[str, str, date | None]:
            return (self.description.data or "", self.owner.data or "", self.due_on.data)

    return ActionForm


class DecisionForm(OnceForm):
    """The panel's decision. The choices come from the programme's decision codes and the
    portfolio's PCF domains; rules that need the portfolio (actions for anything but an
    approval, a deferral's future date) are the workflow's (`decisions.validate_decision`).
    Sent twice (a double click), one decision is recorded and the second is shown it."""

    version = HiddenField()
    code = RadioField("Decision", widget=GovRadioInput(), validate_choice=False,
                      validators=[InputRequired("Choose a decision")])
    evidence_due_on = GovDateField(
        "If deferred: further evidence due by",
        description="Only for a deferral. The portfolio reopens for the candidate until this "
                    "date. For example, 31 3 2027",
        invalid_message="Enter a real date by which the evidence is due")
    rationale = TextAreaField(
        "Rationale", widget=GovTextArea(),
        description="Why the panel reached this decision, with reference to the capability "
                    "domains below.",
        validators=[DataRequired("Write the rationale for the decision"),
                    Length(max=TEXT_MAX, message=f"The rationale must be {TEXT_MAX:,} "
                           "characters or fewer")])
    domain_ids = SelectMultipleField(
        "PCF domains the rationale refers to", description="Select all that apply.",
        widget=GovCheckboxesInput(), coerce=str, validate_choice=False,
        validators=[InputRequired("Choose the framework domains the rationale refers to")])
    action_1 = FormField(_action_form(1), label="Action 1")
    action_2 = FormField(_action_form(2), label="Action 2")
    action_3 = FormField(_action_form(3), label="Action 3")
    submit = SubmitField("Confirm the decision", widget=OnceSubmitInput())

    def __init__(self, *args, codes=(), domains=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.code.choices = [(c.code, c.label) for c in codes]
        self.domain_ids.choices = [(str(d.id), d.name) for d in domains]

    @property
    def action_rows(self) -> list[FormField]:
        return [self.action_1, self.action_2, self.action_3]

    def validate_code(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError("Choose a decision")

    def validate_domain_ids(self, field):
        # Checkboxes only send the listed ids; anything else was not chosen on this page.
        if not set(field.data or []) <= {value for value, _label in field.choices}:
            raise ValidationError("Choose only the PCF domains listed")

    def details(self) -> DecisionDetails:
        return DecisionDetails(
            code=self.code.data or "", rationale=self.rationale.data or "",
            domain_ids=[int(value) for value in self.domain_ids.data or []],
            actions=[row.form.action() for row in self.action_rows if not row.form.is_blank()],
            evidence_due_on=self.evidence_due_on.data)

    def add_workflow_error(self, field: str | None, message: str) -> None:
        """Put a refusal from the workflow next to the field it is about."""
        target = {"actions": self.action_1.form.description}.get(field) or \
            getattr(self, field or "", None)
        if target is None:
            self.form_errors.append(message)
        else:
            target.errors = [*target.errors, message]


class CorrectionForm(DecisionForm):
    reason = TextAreaField(
        "Why the decision is being corrected", widget=GovTextArea(),
        validators=[DataRequired("Explain why the decision is being corrected"),
                    Length(max=TEXT_MAX, message=f"The reason must be {TEXT_MAX:,} "
                           "characters or fewer")])
    submit = SubmitField("Record the correction", widget=OnceSubmitInput())


class ReviewRequestForm(OnceForm):
    reasons = TextAreaField(
        "Why you are asking for a review", widget=GovTextArea(),
        validators=[DataRequired("Explain why you are asking for a review"),
                    Length(max=TEXT_MAX, message=f"Your reasons must be {TEXT_MAX:,} "
                           "characters or fewer")])
    submit = SubmitField("Ask for a review", widget=OnceSubmitInput())


class ReviewOutcomeForm(PortalForm):
    outcome = RadioField("Outcome", widget=GovRadioInput(), choices=list(REVIEW_OUTCOMES.items()),
                         validate_choice=False,
                         validators=[InputRequired("Choose the outcome of the review")])
    outcome_notes = TextAreaField(
        "Notes for the candidate", widget=GovTextArea(),
        validators=[Length(max=TEXT_MAX, message=f"The notes must be {TEXT_MAX:,} characters "
                           "or fewer")])
    submit = SubmitField("Record the outcome", widget=GovSubmitInput())

    def validate_outcome(self, field):
        if field.data not in REVIEW_OUTCOMES:
            raise ValidationError("Choose the outcome of the review")
