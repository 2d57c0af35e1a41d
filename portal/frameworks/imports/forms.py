"""Forms for importing a framework file and checking a draft's elements."""

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovFileInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from portal.core.forms import OnceForm, OnceSubmitInput, PortalForm
from portal.frameworks.loader import ELEMENT_FIELDS

DESCRIPTION_LENGTH = 5000


class UploadFrameworkForm(PortalForm):
    """Choosing the file: checking it changes nothing, so it needs no one-time key."""

    framework_file = FileField(
        "Framework file",
        description="A YAML (.yaml) or CSV (.csv) file, smaller than 400 kB.",
        widget=GovFileInput(),
        validators=[FileRequired("Select a framework file")],
    )
    submit = SubmitField("Check the file", widget=GovSubmitInput())


class SaveImportForm(OnceForm):
    """The checked file, sent back from the preview to be saved as a draft (checked again)."""

    file_name = HiddenField(validators=[InputRequired()])
    file_text = HiddenField(validators=[InputRequired()])
    submit = SubmitField("Save as a draft", widget=OnceSubmitInput())


class ElementForm(PortalForm):
    title = StringField(
        "Title", widget=GovTextInput(),
        description="Exactly as the publisher words it.",
        validators=[DataRequired("Enter the element's title"),
                    Length(max=ELEMENT_FIELDS["title"],
                           message=f"Title must be {ELEMENT_FIELDS['title']} characters "
                                   "or fewer")],
        filters=[lambda value: value.strip() if value else value],
    )
    description = TextAreaField(
        "Description (optional)", widget=GovTextArea(),
        validators=[Length(max=DESCRIPTION_LENGTH,
                           message=f"Description must be {DESCRIPTION_LENGTH} characters "
                                   "or fewer")],
        filters=[lambda value: value.strip() if value else ""],
    )
    verified = BooleanField(
        "I have checked this title against the publisher's text", widget=GovCheckboxInput())
    submit = SubmitField("Save element", widget=GovSubmitInput())
