"""Forms for council sign-in: proving an existing account, linking, and the settings."""

from urllib.parse import urlsplit

from flask import current_app
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxInput,
    GovPasswordInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from portal.core.forms import PortalForm

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


class ProveAccountForm(PortalForm):
    password = PasswordField(
        "Password of your portal account", widget=GovPasswordInput(),
        validators=[InputRequired("Enter the password of your portal account")])
    submit = SubmitField("Link and sign in", widget=GovSubmitInput())


class LinkIdentityForm(PortalForm):
    subject = StringField(
        "Their identifier at the council's provider",
        description="In Microsoft Entra ID this is the person's object ID, for example "
                    "00000000-0000-0000-0000-000000000000",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the person's identifier at the provider"),
                    Length(max=255, message="The identifier must be 255 characters or fewer")])


def _issuer_address(form, field) -> None:
    parts = urlsplit(field.data or "")
    # A provider on this machine is for development and tests only: in production the
    # portal would fetch whatever a local service answers (a server-side request forgery).
    local = (parts.scheme == "http" and parts.hostname in LOCAL_HOSTS
             and current_app.config["PORTAL_ENV"] != "production")
    if not (parts.scheme == "https" or local) or not parts.hostname:
        raise ValidationError("Enter the issuer as an https:// address")
    if parts.query or parts.fragment:
        raise ValidationError("Enter the issuer without ? or #")
    if "/common/" in f"{parts.path}/" or "/organizations/" in f"{parts.path}/":
        raise ValidationError("Enter your tenant's own issuer, not /common or /organizations")


class SignOnSettingsForm(PortalForm):
    provider_name = StringField(
        "Name people know the provider by", description="For example Microsoft",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the provider's name"), Length(max=100)])
    issuer = StringField(
        "Issuer", description="For Microsoft Entra ID: "
                              "https://login.microsoftonline.com/<your tenant ID>/v2.0",
        widget=GovTextInput(),
        validators=[InputRequired("Enter the issuer"), Length(max=500), _issuer_address])
    client_id = StringField(
        "Client ID", widget=GovTextInput(),
        validators=[InputRequired("Enter the client ID"), Length(max=200)])
    client_secret = PasswordField(
        "Client secret", description="Leave blank to keep the secret already saved",
        widget=GovPasswordInput(), validators=[Optional(), Length(max=500)])
    allowed_domains = TextAreaField(
        "Email domains of your staff", description="One per line, for example northshire.gov.uk",
        widget=GovTextArea(),
        validators=[InputRequired("Enter at least one email domain"), Length(max=2000)])
    enabled = BooleanField("People can sign in with their council account",
                           widget=GovCheckboxInput())
    create_accounts = BooleanField(
        "Create an account, with no role, the first time someone unknown signs in",
        widget=GovCheckboxInput())
    password_sign_in = BooleanField(
        "People can still sign in with a password (administrators always can)",
        widget=GovCheckboxInput())
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def validate_allowed_domains(self, field) -> None:
        for line in (field.data or "").splitlines():
            domain = line.strip().lower()
            if domain and ("." not in domain or "@" in domain or " " in domain):
                raise ValidationError(f"'{domain[:60]}' is not an email domain, "
                                      "for example northshire.gov.uk")


class TwoFactorRuleForm(PortalForm):
    required = BooleanField(
        "Administrators and programme leads must use an authenticator app when they sign "
        "in with a password", widget=GovCheckboxInput())
    submit = SubmitField("Save the two-factor rule", widget=GovSubmitInput())
