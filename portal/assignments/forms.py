"""The forms a programme lead assigns an assessor or a line manager with."""

from govuk_frontend_wtf.wtforms_widgets import GovSelect
from wtforms import SelectField, SubmitField
from wtforms.validators import InputRequired

from portal.assignments.models import AssignmentRole
from portal.core.forms import OnceSubmitInput, PortalForm


class _AssignForm(PortalForm):
    class Meta:
        # CSRFProtect checks every POST for the unprefixed csrf_token the template sends;
        # a per-form token would be renamed by the prefix.
        csrf = False


# The choice is checked by operations.assign (same council, right role, active), which
# says what is wrong; WTForms' own "Not a valid choice" would not.
class AssignAssessorForm(_AssignForm):
    staff_id = SelectField("New assessor", widget=GovSelect(), coerce=str,
                           validate_choice=False,
                           validators=[InputRequired("Select an assessor")])
    submit = SubmitField("Assign assessor", widget=OnceSubmitInput())


class AssignLineManagerForm(_AssignForm):
    staff_id = SelectField("New line manager", widget=GovSelect(), coerce=str,
                           validate_choice=False,
                           validators=[InputRequired("Select a line manager")])
    submit = SubmitField("Assign line manager", widget=OnceSubmitInput())


FORMS = {AssignmentRole.ASSESSOR: AssignAssessorForm,
         AssignmentRole.LINE_MANAGER: AssignLineManagerForm}
