"""The reports' filter form (a GET form: the filters live in the address) and the forms
that record a social worker leaving or moving team, and their registration details."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm
from portal.organisations.models import EntryRoute
from portal.reports.filters import Filters, financial_years
from portal.reports.models import LeavingReason


class ReportFilterForm(PortalForm):
    """Narrows a report. Every choice may be left at 'All'; a value not on the list (an
    edited address) is an error on that field, never a 500."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    programme = SelectField("Programme", widget=GovSelect(), validate_choice=True)
    cohort = SelectField("Cohort", widget=GovSelect(), validate_choice=True)
    entry_route = SelectField("Entry route", widget=GovSelect(), validate_choice=True)
    team = SelectField("Team", widget=GovSelect(), validate_choice=True)
    period = SelectField("Period", widget=GovSelect(), validate_choice=True)

    def set_choices(self, programmes, cohorts, teams, today) -> None:
        """Choices from the council's own programmes, cohorts and teams (id, name rows)."""
        everything = [("", "All")]
        self.programme.choices = everything + [(str(p.id), p.name) for p in programmes]
        self.cohort.choices = everything + [(str(c.id), c.name) for c in cohorts]
        self.entry_route.choices = everything + [(r.value, r.label) for r in EntryRoute]
        self.team.choices = everything + [(str(t.id), t.name) for t in teams]
        starts = [c.start_date for c in cohorts]
        self.period.choices = everything + [
            (year.code, year.label) for year in financial_years(min(starts, default=today),
                                                                 today)]
        for field in (self.programme, self.cohort, self.entry_route, self.team, self.period):
            if field.data is None:
                field.data = ""

    def filters(self) -> Filters:
        """The chosen filters (only call once the form has validated)."""
        def number(field):
            return int(field.data) if field.data else None

        return Filters(programme_id=number(self.programme), cohort_id=number(self.cohort),
                       entry_route=self.entry_route.data or None, team_id=number(self.team),
                       period=self.period.data or None)


class LeavingForm(OnceForm):
    left_on = GovDateField(
        "Leaving date", description="Their last day with the council. For example, 31 3 2026",
        required_message="Enter the date they left",
        invalid_message="Enter the leaving date as a real date, like 31 3 2026")
    reason = RadioField(
        "Reason for leaving", widget=GovRadioInput(),
        description="The reasons of the DfE children's social work workforce census.",
        choices=[(reason.value, reason.label) for reason in LeavingReason],
        validators=[InputRequired("Select the reason they left")])
    submit = SubmitField("Save leaving record", widget=OnceSubmitInput())


class TeamChangeForm(OnceForm):
    team_id = SelectField("New team", widget=GovSelect(),
                          validators=[InputRequired("Select the team they moved to")])
    changed_on = GovDateField(
        "Date of the move", description="Their first day in the new team. For example, 1 4 2026",
        required_message="Enter the date they moved",
        invalid_message="Enter the date of the move as a real date, like 1 4 2026")
    submit = SubmitField("Save team change", widget=OnceSubmitInput())

    def set_team_choices(self, teams) -> None:
        self.team_id.choices = [("", "Select a team")] + [(str(t.id), t.name) for t in teams]


class RegistrationForm(PortalForm):
    """Each detail may be left blank until it is known; the claim list flags what is
    missing."""

    qualified_on = GovDateField(
        "Date they qualified",
        description="The day their social work degree or course was awarded. "
                    "For example, 30 6 2026",
        invalid_message="Enter the qualification date as a real date, like 30 6 2026")
    swe_number = StringField(
        "Social Work England registration number", widget=GovTextInput(),
        description="For example, SW12345",
        validators=[Length(max=20, message="Enter the number as it is on the register, "
                                           "like SW12345")])
    asye_registered_on = GovDateField(
        "Date they were registered for the ASYE",
        description="The day their employer registered them for the ASYE. "
                    "For example, 15 9 2026",
        invalid_message="Enter the ASYE registration date as a real date, like 15 9 2026")
    submit = SubmitField("Save registration details", widget=GovSubmitInput())


class PeriodForm(PortalForm):
    """A report narrowed to one financial year only (the partnership report)."""

    class Meta:
        csrf = False  # a GET form that changes nothing

    period = SelectField("Period", widget=GovSelect(), validate_choice=True)
