"""The partnership forms: the service administrator's partnership and its councils, and a
council administrator's grant."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.partnerships.models import SharedPurpose
from portal.partnerships.operations import GrantDetails


def _council_ids() -> SelectMultipleField:
    return SelectMultipleField("Councils", widget=GovCheckboxesInput(), coerce=str,
                               description="Select at least two")


class PartnershipForm(OnceForm):
    name = StringField("Partnership name",
                       description="For example, North Coast Teaching Partnership",
                       widget=GovTextInput(),
                       validators=[InputRequired("Enter the partnership's name"),
                                   Length(max=200)])
    council_ids = _council_ids()
    submit = SubmitField("Add the partnership", widget=OnceSubmitInput())

    def chosen_ids(self) -> list[int]:
        return [int(value) for value in self.council_ids.data or [] if value.isdigit()]


class CouncilsForm(PortalForm):
    council_ids = _council_ids()
    submit = SubmitField("Save the councils", widget=GovSubmitInput())

    def chosen_ids(self) -> list[int]:
        return [int(value) for value in self.council_ids.data or [] if value.isdigit()]


class GrantForm(OnceForm):
    receiving_organisation_id = RadioField(
        "Which council do you want to share with?", widget=GovRadioInput(), coerce=str,
        validators=[InputRequired("Select the council to share with")])
    purpose = RadioField(
        "What do you want to share?", widget=GovRadioInput(),
        choices=[(purpose.value, purpose.label) for purpose in SharedPurpose],
        validators=[InputRequired("Select what to share")])
    starts_on = GovDateField("First day", description="For example, 1 4 2027",
                             required_message="Enter the first day")
    ends_on = GovDateField("Last day", description="Sharing stops by itself after this day",
                           required_message="Enter the last day")
    submit = SubmitField("Share", widget=OnceSubmitInput())

    def details(self) -> GrantDetails:
        return GrantDetails(receiving_organisation_id=int(self.receiving_organisation_id.data),
                            purpose=SharedPurpose(self.purpose.data),
                            starts_on=self.starts_on.data, ends_on=self.ends_on.data)
