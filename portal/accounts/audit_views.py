"""The administrator's audit trail: search and filter it, and download it as CSV."""

from flask import Blueprint, request
from flask_login import current_user

from portal.accounts import audit_trail
from portal.accounts.forms import AuditFilterForm
from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import render
from portal.core.pagination import paginate
from portal.core.spreadsheets import csv_download

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
administrators_only = requires_role(Role.ADMINISTRATOR)


def _filter_form() -> tuple[AuditFilterForm, audit_trail.AuditFilter | None]:
    """The form filled from the URL, and the filter it asks for (None if it has errors)."""
    form = AuditFilterForm(request.args)
    form.set_choices(*audit_trail.choices(current_user.organisation_id), audit_trail.label)
    if not request.args or not form.validate():
        return form, (audit_trail.AuditFilter() if not request.args else None)
    record_id = (form.record_id.data or "").strip()
    return form, audit_trail.AuditFilter(
        who=(form.who.data or "").strip(), action=form.action.data or "",
        record_type=form.record_type.data or "",
        record_id=int(record_id) if record_id else None,
        from_date=form.from_date.data, to_date=form.to_date.data)


def _link_args() -> dict:
    """The filter exactly as it came in the URL (dates as their three boxes), for links."""
    return {key: values for key, values in request.args.lists()
            if key not in {"page", "submit"} and any(value.strip() for value in values)}


def _page(form: AuditFilterForm, page, status: int = 200):
    """The trail's page: the filters, and a page of rows unless the filters have errors."""
    return render("accounts/audit.html", form=form, page=page,
                  link_args=_link_args() if page is not None else {},
                  label=audit_trail.label, details_text=audit_trail.details_text,
                  status=status)


@bp.route("/")
@administrators_only
def index():
    form, wanted = _filter_form()
    if wanted is None:
        return _page(form, None, status=400)
    return _page(form, paginate(audit_trail.trail(current_user.organisation_id, wanted),
                                rows=True))


@bp.route("/audit-trail.csv")
@administrators_only
def download():
    form, wanted = _filter_form()
    if wanted is None:
        return _page(form, None, status=400)
    audit_trail.record_export(current_user, wanted)
    db.session.commit()  # the export is in the trail before any of it leaves
    statement = audit_trail.trail(current_user.organisation_id, wanted)
    return csv_download("audit-trail.csv", audit_trail.CSV_HEADER,
                        audit_trail.csv_rows(statement))
