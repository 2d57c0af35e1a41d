"""Erasing a person who has left, from their admin page: a page that says what will go
and what the council keeps, then the POST from that page that does it.

Only administrators of the person's own council: another council's person is 404 (the
accounts loader), anyone else 403 (the route's rule).
"""

from flask import Blueprint, flash, request, url_for
from flask_login import current_user

from portal.accounts.admin_views import administrators_only, get_user_in_my_organisation
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.data_protection import erasure

bp = Blueprint("erasure", __name__, url_prefix="/admin/users")


@bp.route("/<int:user_id>/erase", methods=["GET", "POST"])
@administrators_only
def erase(user_id: int):
    """GET says what erasing will do (or why it cannot be done yet); the POST does it."""
    subject = get_user_in_my_organisation(user_id)
    back = url_for("users.edit", user_id=subject.id)
    if request.method == "GET":
        return render("data_protection/erase.html", subject=subject, back=back,
                      refusal=erasure.refusal(subject, current_user))
    if ConfirmForm().validate_on_submit():
        name = subject.name
        try:
            erasure.erase(current_user, subject, reason="erasure_request")
        except erasure.ErasureRefused as refused:
            flash(str(refused), "error")
            return redirect_to(url_for("erasure.erase", user_id=subject.id))
        db.session.commit()
        flash(f"{name}'s personal data has been erased. The anonymised record stays for "
              "the workforce reports.", "success")
    return redirect_to(back)
