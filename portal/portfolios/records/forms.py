"""Forms for the structured portfolio records, with GOV.UK markup and messages."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import HiddenInput

from portal.core.dates import today_in_england
from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.core.urls import small_number
from portal.portfolios.records.operations import (
    KSS_COMMENT_MAX,
    LONG_TEXT_MAX,
    MINUTES_MAX,
    RATINGS,
    SUPERVISOR_NAME_MAX,
)

DATE_HINT = "For example, 27 3 2026"


def _long_text(label: str, *, required: str | None = None, description: str = "",
               limit: int = LONG_TEXT_MAX, widget=None) -> TextAreaField:
    """A plain-text box; `required` is the message shown when it is left empty."""
    validators = [InputRequired(required)] if required else []
    validators.append(Length(max=limit, message=f"{label} must be {limit:,} characters or fewer"))
    return TextAreaField(label, description=description, widget=widget or GovCharacterCount(),
                         validators=validators)


def _not_in_future(field, what: str = "The date") -> None:
    if field.data and field.data > today_in_england():
        raise ValidationError(f"{what} must be today or in the past")
    if field.data and field.data.year < 1990:
        raise ValidationError("Enter a date after 1990")


class SupportAgreementForm(OnceForm):
    agreed_on = GovDateField(
        "When was the agreement made?", description=DATE_HINT,
        required_message="Enter the date the agreement was made",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    supervision_arrangements = _long_text(
        "Supervision arrangements",
        description="Who supervises you, how often, and how that changes in the first months.",
        required="Enter the supervision arrangements",
    )
    workload_reduction = _long_text(
        "Workload reduction",
        description="How your caseload is kept lighter during the year.",
        required="Enter how your workload will be reduced",
    )
    protected_time = _long_text(
        "Protected development time",
        description="When you take your protected time and what it is for.",
        required="Enter how your protected time will work",
    )
    development_priorities = _long_text(
        "Development priorities (optional)",
        description="What you, your assessor and your manager agreed to focus on first.",
    )
    submit = SubmitField("Save agreement", widget=OnceSubmitInput())

    def validate_agreed_on(self, field):
        _not_in_future(field)


class DevelopmentPlanForm(OnceForm):
    agreed_on = GovDateField(
        "When was the plan agreed?", description=DATE_HINT,
        required_message="Enter the date the plan was agreed",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    goals = _long_text(
        "Development goals",
        description="What you want to learn or get better at during this stage.",
        required="Enter your development goals",
    )
    actions = _long_text(
        "Actions and support (optional)",
        description="What you will do, and the training, shadowing or reading that will help.",
    )
    review_on = GovDateField(
        "When will the plan be reviewed? (optional)", description=DATE_HINT,
        invalid_message="Enter a real review date, like 27 3 2026",
    )
    submit = SubmitField("Save plan", widget=OnceSubmitInput())

    def validate_agreed_on(self, field):
        _not_in_future(field)

    def validate_review_on(self, field):
        agreed = self.agreed_on.data
        if field.data and agreed and field.data < agreed:
            raise ValidationError("The review date must be on or after the date the plan "
                                  "was agreed")


class SupervisionForm(PortalForm):
    held_on = GovDateField(
        "Date of supervision", description=DATE_HINT,
        required_message="Enter the date of the supervision",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    supervisor_name = StringField(
        "Supervisor’s name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your supervisor’s name"),
            Length(max=SUPERVISOR_NAME_MAX, message="Supervisor’s name must be "
                                                   f"{SUPERVISOR_NAME_MAX} characters or fewer"),
        ],
    )
    topics = _long_text(
        "Topics discussed",
        description="Do not include names or details that could identify the people you "
                    "work with.",
        required="Enter the topics you discussed",
    )
    agreed_actions = _long_text("Agreed actions (optional)")
    submit = SubmitField("Save supervision record", widget=GovSubmitInput())

    def validate_held_on(self, field):
        _not_in_future(field, "The date of the supervision")


class ProtectedTimeForm(PortalForm):
    taken_on = GovDateField(
        "Date you took the time", description=DATE_HINT,
        required_message="Enter the date you took the time",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    hours = StringField("Hours", widget=GovTextInput())
    minutes = StringField("Minutes", widget=GovTextInput())
    activity = _long_text(
        "What did you use the time for?",
        description="For example, reading research on neglect, a workshop, or shadowing "
                    "a colleague.",
        required="Enter what you used the time for",
    )
    workload_reduction_confirmed = BooleanField(
        "My workload was reduced as agreed during this period",
        widget=GovCheckboxInput(),
    )
    submit = SubmitField("Save protected time", widget=GovSubmitInput())

    @staticmethod
    def _whole_number(field, name: str, highest: int) -> int:
        text = (field.data or "").strip()
        if not text:
            return 0
        value = small_number(text)
        if value is None:
            raise ValidationError(f"{name} must be a whole number, like 2")
        if value > highest:
            raise ValidationError(f"{name} must be {highest} or fewer")
        return value

    def validate_taken_on(self, field):
        _not_in_future(field)

    def validate_hours(self, field):
        self._whole_number(field, "Hours", 24)
        if not (field.data or "").strip() and not (self.minutes.data or "").strip():
            raise ValidationError("Enter how long you took, in hours and minutes")

    def validate_minutes(self, field):
        self._whole_number(field, "Minutes", 59)

    def total_minutes(self) -> int | None:
        """Hours and minutes as minutes, or None while either box is not a number."""
        try:
            hours = self._whole_number(self.hours, "Hours", 24)
            minutes = self._whole_number(self.minutes, "Minutes", 59)
        except ValidationError:
            return None
        return hours * 60 + minutes

    def validate(self, extra_validators=None):
        """Each box on its own first, then the length they make together (its error goes
        on the hours box, before anyone reads the form's errors)."""
        if not super().validate(extra_validators):
            return False
        total = self.total_minutes()
        if total is not None and not 0 < total <= MINUTES_MAX:
            self.hours.errors.append("Enter a length of time between 1 minute and 24 hours")
            return False
        return True

    def show_minutes(self, minutes: int) -> None:
        self.hours.data = str(minutes // 60)
        self.minutes.data = str(minutes % 60)


class SignAgreementForm(PortalForm):
    """A signature: the signer confirms they read and agree the wording, for themselves."""

    revision = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
    confirm = BooleanField(
        "I have read this agreement and I agree to it",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Confirm that you have read the agreement and agree to it")],
    )
    submit = SubmitField("Sign the agreement", widget=GovSubmitInput())


class ReviewPlanForm(PortalForm):
    submit = SubmitField("Mark as reviewed", widget=GovSubmitInput())


class DeleteRecordForm(PortalForm):
    submit = SubmitField("Yes, delete it", widget=GovSubmitInput())


class KssSelfAssessmentForm(OnceForm):
    """Completed date plus, added by `kss_form_class`, a rating and comment per statement."""

    completed_on = GovDateField(
        "When did you complete this self-assessment?", description=DATE_HINT,
        required_message="Enter the date you completed the self-assessment",
        invalid_message="Enter a real date, like 27 3 2026",
    )
    submit = SubmitField("Save self-assessment", widget=OnceSubmitInput())

    statements: tuple = ()

    def validate_completed_on(self, field):
        _not_in_future(field)

    def statement_fields(self):
        """(statement, rating field, comment field) in the framework's order."""
        return [(statement, self[f"rating_{statement.id}"], self[f"comment_{statement.id}"])
                for statement in self.statements]

    def ratings(self) -> dict[int, tuple[int, str]]:
        return {statement.id: (int(rating.data), comment.data or "")
                for statement, rating, comment in self.statement_fields()}

    def show_existing(self, assessment) -> None:
        self.completed_on.data = assessment.completed_on
        for row in assessment.ratings:
            if f"rating_{row.element_id}" in self:
                self[f"rating_{row.element_id}"].data = str(row.rating)
                self[f"comment_{row.element_id}"].data = row.comment


RATING_CHOICES = [(str(value), f"{value} {label}") for value, label in RATINGS.items()]


def kss_form_class(statements) -> type[KssSelfAssessmentForm]:
    """A self-assessment form with one rating and one comment box per KSS statement."""
    fields = {"statements": tuple(statements)}
    for statement in statements:
        name = statement.name
        fields[f"rating_{statement.id}"] = RadioField(
            f"Statement {name}",
            choices=RATING_CHOICES,
            widget=GovRadioInput(),
            validators=[InputRequired(f"Choose a rating for statement {name}")],
        )
        fields[f"comment_{statement.id}"] = TextAreaField(
            f"Comment on statement {statement.code} (optional)",
            widget=GovTextArea(),
            validators=[Length(max=KSS_COMMENT_MAX,
                               message=f"The comment on statement {statement.code} must be "
                                       f"{KSS_COMMENT_MAX:,} characters or fewer")],
        )
    return type("KssSelfAssessmentFormForStatements", (KssSelfAssessmentForm,), fields)


# Adding a record: sent twice (a double click), it is added once. The edit forms stay plain.
class NewSupervisionForm(OnceForm, SupervisionForm):
    submit = SubmitField("Save supervision record", widget=OnceSubmitInput())


class NewProtectedTimeForm(OnceForm, ProtectedTimeForm):
    submit = SubmitField("Save protected time", widget=OnceSubmitInput())
