"""Each person's choice of reminders, on their account page."""

from flask import Blueprint, flash, url_for
from flask_login import current_user

from portal.core.access import signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.reminders import operations
from portal.reminders.forms import ReminderChoiceForm

bp = Blueprint("reminders", __name__, url_prefix="/account/reminders")


@bp.route("/", methods=["GET", "POST"])
@signed_in
def choose():
    form = ReminderChoiceForm()
    if form.validate_on_submit():
        operations.set_optional_reminders(current_user, form.optional.data == "yes")
        db.session.commit()
        flash("Your reminder choice has been saved.", "success")
        return redirect_to(url_for("reminders.choose"))
    if not form.is_submitted():
        form.optional.data = "yes" if operations.wants_optional_reminders(current_user) else "no"
    return render("reminders/choose.html", form=form, status=400 if form.errors else 200)
