"""The administrator's side of council sign-in: the council's settings, and linking or
unlinking a person's council account."""

from flask import Blueprint, flash, url_for
from flask_login import current_user

from portal.accounts import two_factor
from portal.accounts.admin_views import add_user_page_section, get_user_in_my_organisation
from portal.accounts.models import User
from portal.accounts.operations import AccountError
from portal.accounts.roles import Role
from portal.accounts.single_sign_on import operations
from portal.accounts.single_sign_on.forms import (
    LinkIdentityForm,
    SignOnSettingsForm,
    TwoFactorRuleForm,
)
from portal.accounts.single_sign_on.settings import SETTINGS, save_settings
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render

bp = Blueprint("sign_on_admin", __name__, url_prefix="/admin/sign-on")
administrators_only = requires_role(Role.ADMINISTRATOR)


def user_page_section(user: User) -> dict:
    """What a person's admin page shows about their council account."""
    return {"sign_on_registration": operations.registration_for(user.organisation_id),
            "sign_on_identity": operations.identity_of(user)}


add_user_page_section(user_page_section)


@bp.route("/", methods=["GET", "POST"])
@administrators_only
def settings():
    registration = operations.registration_for(current_user.organisation_id)
    form = SignOnSettingsForm(obj=registration)
    if registration is None and not form.is_submitted():
        form.enabled.data = True
        form.password_sign_in.data = True
    if form.validate_on_submit():
        values = {name: getattr(form, name).data for name in SETTINGS}
        values["client_secret"] = form.client_secret.data or ""
        try:
            save_settings(current_user, values)
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash("Council sign-in settings saved.", "success")
            return redirect_to(url_for("sign_on_admin.settings"))
    return render("accounts/sign_on/settings.html", form=form, registration=registration,
                  callback_url=url_for("sign_on.callback", _external=True),
                  rule_form=_two_factor_rule_form(), status=400 if form.errors else 200)


def _two_factor_rule_form() -> TwoFactorRuleForm:
    form = TwoFactorRuleForm(formdata=None, prefix="rule")
    form.required.data = current_user.organisation.two_factor_for_leads_and_admins
    return form


@bp.route("/two-factor", methods=["POST"])
@administrators_only
def two_factor_rule():
    form = TwoFactorRuleForm(prefix="rule")
    if form.validate_on_submit():
        changed = two_factor.set_required_for_leads_and_admins(current_user,
                                                               form.required.data)
        db.session.commit()
        flash("The two-factor rule is saved. It applies from each person's next sign-in."
              if changed else "Nothing was changed.", "success")
    return redirect_to(url_for("sign_on_admin.settings"))


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@administrators_only
def person(user_id: int):
    user = get_user_in_my_organisation(user_id)
    registration = operations.registration_for(user.organisation_id)
    form = LinkIdentityForm()
    if registration is not None and form.validate_on_submit():
        try:
            operations.link(current_user, user, registration, form.subject.data,
                            operations.LINKED_BY_ADMINISTRATOR)
        except AccountError as error:
            db.session.rollback()
            form.subject.errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{user.name}'s council account is linked.", "success")
            return redirect_to(url_for("sign_on_admin.person", user_id=user.id))
    return render("accounts/sign_on/person.html", form=form, user=user,
                  registration=registration, identity=operations.identity_of(user),
                  unlink_form=ConfirmForm(), status=400 if form.errors else 200)


@bp.route("/people/<int:user_id>/unlink", methods=["POST"])
@administrators_only
def unlink(user_id: int):
    user = get_user_in_my_organisation(user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.unlink(current_user, user)
        except AccountError as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{user.name}'s council account is no longer linked.", "success")
    return redirect_to(url_for("sign_on_admin.person", user_id=user.id))
