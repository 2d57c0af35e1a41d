"""The feedback thread's form: a message from the assessor or the candidate's reply."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovRadioInput
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, ValidationError

from portal.assessment.feedback import operations as feedback
from portal.assessment.models import FeedbackKind
from portal.core.forms import OnceForm, OnceSubmitInput

KIND_CHOICES = [
    (FeedbackKind.COMMENT.value, "A comment or question"),
    (FeedbackKind.ACCEPTED.value, "Accept this entry as evidence"),
    (FeedbackKind.MORE_NEEDED.value, "Ask for more evidence"),
]


class FeedbackForm(OnceForm):
    body = TextAreaField(
        "Your message",
        widget=GovCharacterCount(),
        validators=[
            InputRequired("Enter a message"),
            Length(max=feedback.MESSAGE_MAX,
                   message=f"Message must be {feedback.MESSAGE_MAX:,} characters or fewer"),
        ],
    )
    # Assessor-only fields: removed from the form for anyone else, so whatever a candidate
    # sends under these names is never read.
    kind = RadioField("What is this message?", widget=GovRadioInput(), choices=KIND_CHOICES,
                      default=FeedbackKind.COMMENT.value, validate_choice=False)
    element_id = RadioField("Accepted as evidence of", widget=GovRadioInput(),
                            validate_choice=False)
    submit = SubmitField("Add message", widget=OnceSubmitInput())

    def validate_kind(self, field):
        if field.data not in {k.value for k in FeedbackKind}:
            raise ValidationError("Select what this message is")
