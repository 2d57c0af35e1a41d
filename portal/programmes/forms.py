"""Forms for a programme's settings (the counts and months are read from its table of inputs)."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSubmitInput
from wtforms import BooleanField, SubmitField

from portal.core.forms import PortalForm


class ProgrammeSettingsForm(PortalForm):
    # Shown only when a save would leave every required part at 0 (see update_settings).
    confirm_nothing_required = BooleanField(
        "Yes, no part of the portfolio is required", widget=GovCheckboxInput())
    submit = SubmitField("Save changes", widget=GovSubmitInput())
