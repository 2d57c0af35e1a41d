"""Forms for a programme's settings."""

from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput
from wtforms import SubmitField


class ProgrammeSettingsForm(FlaskForm):
    submit = SubmitField("Save changes", widget=GovSubmitInput())
