"""The service administrator's form for a new council."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput, GovTextInput
from wtforms import BooleanField, StringField, SubmitField
from wtforms.validators import Email, InputRequired, Length

from portal.core.forms import OnceForm


class NewCouncilForm(OnceForm):
    name = StringField("Council name", description="For example Northshire County Council",
                       widget=GovTextInput(),
                       validators=[InputRequired("Enter the council's name"), Length(max=200)])
    short_name = StringField(
        "Short name", description="Shown where space is short, for example Northshire",
        widget=GovTextInput(),
        validators=[InputRequired("Enter a short name"), Length(max=60)])
    two_factor_for_leads_and_admins = BooleanField(
        "Administrators and programme leads must use an authenticator app when they sign in "
        "with a password", default=True, widget=GovCheckboxInput())
    administrator_name = StringField(
        "First administrator's full name", widget=GovTextInput(),
        validators=[InputRequired("Enter the first administrator's name"), Length(max=200)])
    administrator_email = StringField(
        "First administrator's email address",
        description="They are emailed an invitation to choose a password",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the first administrator's email address"),
                    Email("Enter an email address in the correct format, like "
                          "name@example.org"), Length(max=254)])
    submit = SubmitField("Add the council", widget=GovSubmitInput())
