"""The forms for outside feedback: making a link, and the public forms of people with
lived experience and colleagues from other professions."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCharacterCount,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from portal.assessment.outside_feedback import operations as outside
from portal.core.forms import OnceForm, OnceSubmitInput, PortalForm


def answer_text(text: str | None) -> str:
    """An answer as typed, without surrounding spaces."""
    return (text or "").strip()


class CreateLinkForm(OnceForm):
    """Sent twice (a double click, a resend after a slow answer), it makes one link."""

    kind = RadioField(
        "Who is the feedback from?",
        widget=GovRadioInput(),
        choices=[(k.value, k.label) for k in outside.OutsideKind],
        validators=[InputRequired("Select who the feedback is from")],
    )
    label = StringField(
        "A note to help you remember who this link is for",
        description="Only you and your assessor see this, never the person you send the link "
                    "to. For example, ‘Parent after review meeting’. Do not use full names.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a note to help you remember who this link is for"),
                    Length(max=outside.LABEL_MAX,
                           message=f"Note must be {outside.LABEL_MAX} characters or fewer")],
    )
    submit = SubmitField("Create link", widget=OnceSubmitInput())


RATINGS = [("Very good", "Very good"), ("Good", "Good"), ("All right", "All right"),
           ("Not good", "Not good")]
ANSWER_LENGTH = Length(max=outside.ANSWER_MAX,
                       message=f"Your answer must be {outside.ANSWER_MAX:,} characters or fewer")


class _GiveFeedbackForm(PortalForm):
    went_well = TextAreaField("What went well?", widget=GovCharacterCount(),
                              validators=[ANSWER_LENGTH])
    could_be_better = TextAreaField("What could be better?", widget=GovCharacterCount(),
                                    validators=[ANSWER_LENGTH])
    rating = RadioField("Overall, how was it? (optional)", widget=GovRadioInput(),
                        choices=RATINGS, validators=[Optional()])
    consent = BooleanField(
        "I agree",
        widget=GovCheckboxInput(),
        validators=[InputRequired("Tick the box to agree that your feedback can be used")],
    )
    submit = SubmitField("Send feedback", widget=GovSubmitInput())

    def name_the_candidate(self, first: str) -> None:
        """Questions use the candidate's first name, and nothing else about them."""
        self.went_well.label.text = f"What did {first} do well?"
        self.could_be_better.label.text = f"What could {first} do better?"
        self.rating.label.text = f"Overall, how was {first}? (optional)"
        self.consent.label.text = (f"I agree that this feedback can be used in {first}’s "
                                   "professional development portfolio")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not answer_text(self.went_well.data) and not answer_text(self.could_be_better.data):
            self.went_well.errors.append("Tell us what went well or what could be better")
            return False
        return valid


class LivedExperienceForm(_GiveFeedbackForm):
    who = RadioField(
        "Who are you? (optional)",
        widget=GovRadioInput(),
        choices=[("I use services, or have in the past", "I use services, or have in the past"),
                 ("A family member or carer", "A family member or carer"),
                 ("Someone else", "Someone else")],
        validators=[Optional()],
    )


class ColleagueForm(_GiveFeedbackForm):
    who = StringField("Your job or role (optional)",
                      description="For example, school nurse or housing officer",
                      widget=GovTextInput(),
                      validators=[Length(max=100, message="Your job or role must be 100 "
                                                          "characters or fewer")])
