"""The assistant's forms: a decision on each proposal (one form for the page, so a
reviewer works down it and saves once), adding their own replacement, approving."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import FieldList, Form, FormField, HiddenField, RadioField, StringField, SubmitField
from wtforms.validators import InputRequired, Length, Optional

from portal.core.forms import PortalForm
from portal.packs.copies.models import Decision

CHOICES = [(Decision.ACCEPTED.value, "Replace as proposed"),
           (Decision.CHANGED.value, "Replace with my own label"),
           (Decision.REJECTED.value, "Leave as written")]
LABEL_LENGTH = Length(max=60, message="A label must be 60 characters or fewer")


class ProposalForm(Form):
    decision_id = HiddenField()
    choice = RadioField("What should the copy show?", choices=CHOICES,
                        widget=GovRadioInput(), validators=[Optional()])
    own_label = StringField("Your label", widget=GovTextInput(),
                        validators=[Optional(), LABEL_LENGTH])


class ReviewForm(PortalForm):
    proposals = FieldList(FormField(ProposalForm))
    submit = SubmitField("Save decisions", widget=GovSubmitInput())

    def choices(self) -> dict[int, tuple[str, str | None]]:
        """{decision id: (choice, label)} for each proposal given a choice."""
        return {int(row.decision_id.data): (row.choice.data, row.own_label.data)
                for row in self.proposals
                if row.choice.data and (row.decision_id.data or "").isdigit()}


class AddOwnForm(PortalForm):
    phrase = StringField("Words to replace", widget=GovTextInput(), validators=[
        InputRequired(message="Enter the words to replace"),
        Length(min=2, max=200, message="Enter between 2 and 200 characters")])
    label = StringField("Show instead", widget=GovTextInput(), validators=[
        InputRequired(message="Enter what to show instead, for example [School]"),
        LABEL_LENGTH])
    submit = SubmitField("Add replacement", widget=GovSubmitInput())
