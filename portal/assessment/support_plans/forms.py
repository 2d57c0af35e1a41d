"""The assessor's form for recording the objectives agreed in a support plan."""

from govuk_frontend_wtf.wtforms_widgets import GovCharacterCount, GovSubmitInput
from wtforms import SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from portal.assessment.support_plans.operations import OBJECTIVES_MAX
from portal.core.forms import GovDateField, PortalForm

DATE_HINT = "For example, 27 3 2027"


class AgreeSupportPlanForm(PortalForm):
    objectives = TextAreaField(
        "Objectives",
        description="What the candidate will work on, the support they will get, and how "
                    "you will both know it has worked.",
        widget=GovCharacterCount(),
        validators=[InputRequired("Enter the objectives agreed with the candidate"),
                    Length(max=OBJECTIVES_MAX, message=f"The objectives must be "
                                                       f"{OBJECTIVES_MAX:,} characters or fewer")],
    )
    agreed_on = GovDateField(
        "When were the objectives agreed with the candidate?", description=DATE_HINT,
        required_message="Enter the date the objectives were agreed",
        invalid_message="Enter a real date, like 27 3 2027",
    )
    review_on = GovDateField(
        "When will the plan next be reviewed?", description=DATE_HINT,
        required_message="Enter the date the plan will next be reviewed",
        invalid_message="Enter a real review date, like 27 3 2027",
    )
    submit = SubmitField("Record the agreed plan", widget=GovSubmitInput())
