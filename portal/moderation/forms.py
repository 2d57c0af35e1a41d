"""Moderation's forms: the panel's confirmation, defining a round, the action plan, and the
moderator's template."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    IntegerField,
    RadioField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.moderation.models import DEFAULT_SAMPLE_PERCENT
from portal.moderation.operations import Judgement, RoundDetails
from portal.moderation.template import EVIDENCE_CHECKLIST, JUDGEMENT_QUESTIONS

TEXT_MAX = 10000
YES_NO = [("yes", "Yes"), ("no", "No")]


def _comment(label: str) -> TextAreaField:
    return TextAreaField(label, widget=GovTextArea(), validators=[Length(max=TEXT_MAX)])


class ConfirmationForm(OnceForm):
    confirms = RadioField("Does the panel confirm the assessor's recommendation?",
                          choices=YES_NO, widget=GovRadioInput(),
                          validators=[InputRequired("Select whether the panel confirms the "
                                                    "assessor's recommendation")])
    notes = _comment("Notes on consistency (optional)")
    submit = SubmitField("Record the panel's moderation", widget=OnceSubmitInput())


class RoundForm(OnceForm):
    title = StringField("Title", description="For example, ASYE external moderation 2026",
                        widget=GovTextInput(),
                        validators=[InputRequired("Enter a title for the round"),
                                    Length(max=200)])
    period_start = GovDateField("Start of the period", description="For example, 1 4 2026",
                                required_message="Enter the start of the period")
    period_end = GovDateField("End of the period", description="For example, 31 3 2027",
                              required_message="Enter the end of the period")
    sample_percent = IntegerField(
        "Sample size (per cent of outcomes)", default=DEFAULT_SAMPLE_PERCENT,
        description="Skills for Care asks for about 10%. Each outcome is sampled apart.",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the sample size as a whole number"),
                    NumberRange(1, 100, "Enter a sample size between 1 and 100")])
    moderator_ids = SelectMultipleField("External moderators", widget=GovCheckboxesInput(),
                                        coerce=str)
    council_ids = SelectMultipleField(
        "Partnership councils whose outcomes are sampled too", widget=GovCheckboxesInput(),
        coerce=str, description="Only councils that share their external moderation with "
                                "yours are listed. Your own council's outcomes are always "
                                "sampled.")
    access_ends_on = GovDateField(
        "Moderators' access ends on", description="They cannot open the packs after this day.",
        required_message="Enter the date the moderators' access ends")
    submit = SubmitField("Define the round", widget=OnceSubmitInput())

    def details(self) -> RoundDetails:
        return RoundDetails(
            title=self.title.data.strip(), period_start=self.period_start.data,
            period_end=self.period_end.data, sample_percent=self.sample_percent.data,
            access_ends_on=self.access_ends_on.data,
            moderator_ids=[int(i) for i in self.moderator_ids.data if i.isdigit()],
            council_ids=[int(i) for i in self.council_ids.data or [] if i.isdigit()])


class ActionPlanForm(PortalForm):
    action_plan = TextAreaField("Action plan", widget=GovTextArea(),
                                description="What the council will do after this round.",
                                validators=[Length(max=TEXT_MAX)])
    submit = SubmitField("Save the action plan", widget=GovSubmitInput())


class FeedbackForm(OnceForm):
    """The moderator's template; the four judgement questions are added below."""

    evidence = SelectMultipleField("Required evidence present", choices=EVIDENCE_CHECKLIST,
                                   widget=GovCheckboxesInput(), coerce=str)
    overall = _comment("Overall feedback")
    submit = SubmitField("Send your feedback", widget=OnceSubmitInput())

    def judgement(self) -> Judgement:
        return Judgement(
            evidence={code: code in self.evidence.data for code, _ in EVIDENCE_CHECKLIST},
            answers={code: (self[code].data == "yes", self[f"{code}_comment"].data or "")
                     for code, _label, _hint in JUDGEMENT_QUESTIONS},
            overall=self.overall.data or "")


for _code, _label, _hint in JUDGEMENT_QUESTIONS:
    setattr(FeedbackForm, _code, RadioField(
        f"Is the judgement {_label.lower()}?", description=_hint, choices=YES_NO,
        widget=GovRadioInput(),
        validators=[InputRequired(f"Select whether the judgement is {_label.lower()}")]))
    setattr(FeedbackForm, f"{_code}_comment", _comment(f"Comments: {_label.lower()}"))
