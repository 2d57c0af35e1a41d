"""Forms for signing in, passwords and user administration (GOV.UK widgets)."""

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovFileInput,
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Regexp, ValidationError

from portal.accounts.passwords import password_problem
from portal.accounts.roles import COUNCIL_ROLES, Role
from portal.core.forms import GovDateField, OnceForm, OnceSubmitInput, PortalForm


class SignInForm(PortalForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password", widget=GovPasswordInput(), validators=[InputRequired("Enter your password")]
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class AppCodeForm(PortalForm):
    """A code from the person's authenticator app (setting up, new recovery codes,
    turning two-factor sign-in off)."""

    code = StringField(
        "Code from your authenticator app",
        description="The 6-digit code your app shows now, for example 123456",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the 6-digit code from your authenticator app"),
                    Length(max=20, message="Enter the 6-digit code from your authenticator app")],
    )


class StartTwoFactorForm(PortalForm):
    password = PasswordField(
        "Your password", widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password")])


class SignInCodeForm(PortalForm):
    code = StringField(
        "Security code",
        description="The 6-digit code your authenticator app shows now, or one of your "
                    "recovery codes",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the code from your authenticator app"),
                    Length(max=40, message="Enter the code from your authenticator app")],
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class _NewPasswordMixin:
    """A new password, judged knowing whose it is (see `password_problem`)."""

    account = None

    def for_account(self, user) -> None:
        self.account = user

    def validate_new_password(self, field):
        problem = password_problem(field.data or "", getattr(self.account, "email", ""),
                                   getattr(self.account, "name", ""))
        if problem:
            raise ValidationError(problem)


class ChangePasswordForm(_NewPasswordMixin, PortalForm):
    current_password = PasswordField(
        "Current password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your current password")],
    )
    new_password = PasswordField(
        "New password",
        description="Use 12 characters or more. A few unrelated words work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Confirm your new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Change password", widget=GovSubmitInput())


class RequestResetForm(PortalForm):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter your email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    submit = SubmitField("Send reset link", widget=GovSubmitInput())


class ResetPasswordForm(_NewPasswordMixin, PortalForm):
    new_password = PasswordField(
        "New password",
        description="Use 12 characters or more. A few unrelated words work well.",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter a new password")],
    )
    confirm_password = PasswordField(
        "Confirm new password",
        widget=GovPasswordInput(),
        validators=[
            InputRequired("Confirm your new password"),
            EqualTo("new_password", "The passwords do not match"),
        ],
    )
    submit = SubmitField("Set password", widget=GovSubmitInput())


class UserForm(PortalForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter an email address"),
            Email("Enter an email address in the correct format, like name@example.org"),
            Length(max=254),
        ],
    )
    team_id = SelectField("Team", widget=GovSelect(), coerce=str, validate_choice=True)
    roles = SelectMultipleField(
        "Roles",
        description="Select all that apply.",
        widget=GovCheckboxesInput(),
        choices=[(role.value, role.label) for role in COUNCIL_ROLES],
        validators=[InputRequired("Select at least one role")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())

    def set_team_choices(self, teams) -> None:
        self.team_id.choices = [("", "No team")] + [(str(t.id), t.name) for t in teams]

    @property
    def selected_team_id(self) -> int | None:
        return int(self.team_id.data) if self.team_id.data else None

    @property
    def selected_roles(self) -> set[Role]:
        return {Role(value) for value in self.roles.data or []}


class ImportUsersForm(OnceForm):
    csv_file = FileField(
        "CSV file",
        description="Columns: name, email, roles (separated by ;), team (optional).",
        widget=GovFileInput(),
        validators=[FileRequired("Select a CSV file")],
    )
    submit = SubmitField("Check and import", widget=OnceSubmitInput())


class NewUserForm(OnceForm, UserForm):
    """Sent twice (a double click), one account is made and invited once."""

    submit = SubmitField("Save", widget=OnceSubmitInput())


class AuditFilterForm(PortalForm):
    """The audit trail's filters: sent with GET, so bookmarkable and without a CSRF token
    (it changes nothing)."""

    class Meta:
        csrf = False

    who = StringField("Who", widget=GovTextInput(), validators=[Length(max=100)],
                      description="Part of their name or email address")
    action = SelectField("What they did", widget=GovSelect(), choices=[("", "Anything")],
                         validate_choice=False)
    record_type = SelectField("Kind of record", widget=GovSelect(),
                              choices=[("", "Any kind")], validate_choice=False)
    record_id = StringField("Record number", widget=GovTextInput(),
                            validators=[Regexp(r"^\s*\d{0,9}\s*$",
                                               message="Record number must be a number, "
                                                       "like 1024")])
    from_date = GovDateField("From", invalid_message="From must be a real date, "
                             "like 27 3 2026", description="For example, 27 3 2026")
    to_date = GovDateField("To", invalid_message="To must be a real date, like 31 3 2026",
                           description="For example, 31 3 2026")
    submit = SubmitField("Show", widget=GovSubmitInput())

    def set_choices(self, actions: list[str], record_types: list[str], label) -> None:
        # Only what the trail holds can be chosen; anything else typed into the URL is
        # refused by validate_action / validate_record_type below.
        self.action.choices = [("", "Anything")] + [(a, label(a)) for a in actions]
        self.record_type.choices = [("", "Any kind")] + [(k, label(k)) for k in record_types]

    def validate_action(self, field):
        if field.data and field.data not in {value for value, _text in field.choices}:
            raise ValidationError("Choose what they did from the list")

    def validate_record_type(self, field):
        if field.data and field.data not in {value for value, _text in field.choices}:
            raise ValidationError("Choose a kind of record from the list")

    def validate_to_date(self, field):
        if field.data and self.from_date.data and field.data < self.from_date.data:
            raise ValidationError("To must be the same as or after From")
