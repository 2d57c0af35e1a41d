"""The service administrator's pages: every council, and adding one."""

from flask import Blueprint, flash, url_for
from flask_login import current_user

from portal.accounts.councils import operations
from portal.accounts.councils.forms import NewCouncilForm
from portal.accounts.operations import AccountError
from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import redirect_to, render

bp = Blueprint("councils", __name__, url_prefix="/service/councils")
service_administrators = requires_role(Role.SERVICE_ADMINISTRATOR)


@bp.route("/")
@service_administrators
def index():
    return render("accounts/councils/index.html", councils=operations.councils_with_counts())


@bp.route("/new", methods=["GET", "POST"])
@service_administrators
def new():
    form = NewCouncilForm()
    if form.validate_on_submit():
        details = operations.NewCouncil(
            name=form.name.data, short_name=form.short_name.data,
            two_factor_for_leads_and_admins=form.two_factor_for_leads_and_admins.data,
            administrator_name=form.administrator_name.data,
            administrator_email=form.administrator_email.data)
        try:
            council, administrator = operations.create_council(current_user, details)
            form.created(url_for("councils.index"))
        except AccountError as error:
            db.session.rollback()
            getattr(form, error.field).errors.append(str(error))
        else:
            db.session.commit()
            flash(f"{council.name} has been added. {administrator.name} has been sent an "
                  "invitation to set their password.", "success")
            return redirect_to(url_for("councils.index"))
    return render("accounts/councils/new.html", form=form, status=400 if form.errors else 200)
