"""Choosing a cohort's move (a GET form: nothing changes until the confirmation page)."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from portal.core.forms import PortalForm


class ChooseMoveForm(PortalForm):
    """From a version the cohort uses to an active one; a value not on the list (an edited
    address) is an error on its field, never a 500."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    from_id = SelectField("Move from", widget=GovSelect(),
                          validators=[InputRequired("Select the version to move from")])
    to_id = SelectField("Move to", widget=GovSelect(),
                        validators=[InputRequired("Select the version to move to")])
    submit = SubmitField("Continue", widget=GovSubmitInput())

    def set_choices(self, sources, targets) -> None:
        self.from_id.choices = [("", "Select a version")] + [
            (str(f.id), f"{f.label} [{f.code}]") for f in sources]
        self.to_id.choices = [("", "Select a version")] + [
            (str(f.id), f"{f.label} [{f.code}]") for f in targets]

    def validate_to_id(self, field):
        if field.data and field.data == self.from_id.data:
            raise ValidationError("Choose a different version to move to")
