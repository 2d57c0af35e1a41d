"""The optional-reminders choice on the account page."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput
from wtforms import RadioField, SubmitField
from wtforms.validators import InputRequired

from portal.core.forms import PortalForm


class ReminderChoiceForm(PortalForm):
    optional = RadioField(
        "Optional reminders",
        description="Essential reminders, such as an overdue review point or a panel's "
                    "papers, always come.",
        choices=[("yes", "Send me optional reminders too (review points coming up, "
                         "evidence waiting for feedback, observations to write up)"),
                 ("no", "Only essential reminders")],
        widget=GovRadioInput(),
        validators=[InputRequired("Select which reminders you want")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())
