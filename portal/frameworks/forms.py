"""A choice of two framework versions, shared by the mapping editor and a cohort's move."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from portal.core.forms import PortalForm


def version_pair_form(verb: str, button: str) -> type[PortalForm]:
    """A GET form choosing a version to `verb` from and one to `verb` to ("map", "move").
    A value not on the list (an edited address) is an error on its field, never a 500."""

    class VersionPairForm(PortalForm):
        class Meta:
            csrf = False  # a GET form that changes nothing

        from_id = SelectField(f"{verb.capitalize()} from", widget=GovSelect(),
                              validators=[InputRequired(f"Select the version to {verb} from")])
        to_id = SelectField(f"{verb.capitalize()} to", widget=GovSelect(),
                            validators=[InputRequired(f"Select the version to {verb} to")])
        submit = SubmitField(button, widget=GovSubmitInput())

        def set_choices(self, sources, targets) -> None:
            self.from_id.choices = [("", "Select a version"), *_choices(sources)]
            self.to_id.choices = [("", "Select a version"), *_choices(targets)]

        def validate_to_id(self, field):
            if field.data and field.data == self.from_id.data:
                raise ValidationError(f"Choose a different version to {verb} to")

    # Each use its own name, so errors and the form tests tell them apart.
    VersionPairForm.__name__ = VersionPairForm.__qualname__ = f"{verb.capitalize()}VersionsForm"
    return VersionPairForm


def _choices(frameworks) -> list[tuple[str, str]]:
    # The code tells apart versions whose titles read alike.
    return [(str(f.id), f"{f.label} [{f.code}]") for f in frameworks]
