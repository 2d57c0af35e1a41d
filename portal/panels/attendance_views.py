"""The chair records who is present at the panel, on or after its date. A decision needs
attendance recorded and a quorum (see `attendance`)."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user

from portal.core.access import signed_in
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.panels import attendance
from portal.panels.access import get_panel_for_member
from portal.panels.errors import PanelError
from portal.panels.forms import AttendanceForm

bp = Blueprint("attendance", __name__, url_prefix="/panels")


@bp.route("/<int:panel_id>/attendance", methods=["GET", "POST"])
@signed_in
def record(panel_id: int):
    panel = get_panel_for_member(panel_id)
    if panel.chair_id != current_user.id:
        abort(404)
    form = AttendanceForm(data={"present_ids": [
        str(m.user_id) for m in panel.members if m.present]})
    seated = attendance.seated_member_ids(panel, today_in_england())
    members = sorted((m for m in panel.members if m.user_id in seated),
                     key=lambda m: (m.user.name, m.user_id))
    form.present_ids.choices = [
        (str(m.user_id), m.user.name + (" (chair)" if m.user_id == panel.chair_id else ""))
        for m in members]
    if form.validate_on_submit():
        try:
            attendance.record_attendance(current_user, panel,
                                         {int(i) for i in form.present_ids.data or []},
                                         today_in_england())
        except PanelError as error:
            db.session.rollback()
            form.present_ids.errors = [*form.present_ids.errors, str(error)]
        else:
            db.session.commit()
            flash("Attendance has been recorded.", "success")
            return redirect_to(url_for("agendas.show", panel_id=panel.id))
    return render("panels/attendance.html", form=form, panel=panel,
                  today=today_in_england(), status=400 if form.errors else 200)
