"""The mapping editor for administrators: choose two versions, see each element of the
first with what it maps to in the second, add a mapping, remove one."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.frameworks.mappings import operations, queries
from portal.frameworks.mappings.forms import AddMappingForm, ChooseVersionsForm
from portal.frameworks.models import ElementMapping, Framework

bp = Blueprint("framework_mappings", __name__, url_prefix="/frameworks/mappings")
# Mappings are national, like the frameworks: only a service administrator changes them.
administrators = requires_role(Role.SERVICE_ADMINISTRATOR)


def _framework_or_404(framework_id: int) -> Framework:
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        abort(404)
    return framework


@bp.route("/")
@administrators
def index():
    """Choose the two versions; a valid choice goes to their mapping's page."""
    form = ChooseVersionsForm(formdata=request.args or None)
    versions = queries.frameworks()
    form.set_choices(versions, versions)
    if request.args and form.validate():
        return redirect_to(url_for(".pair", from_id=form.from_id.data, to_id=form.to_id.data))
    return render("frameworks/mappings/index.html", form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:from_id>/<int:to_id>", methods=["GET", "POST"])
@administrators
def pair(from_id: int, to_id: int):
    source, target = _framework_or_404(from_id), _framework_or_404(to_id)
    if source.id == target.id:
        abort(404)
    form = AddMappingForm()
    form.set_choices(queries.elements_of(source), queries.elements_of(target))
    if form.validate_on_submit():
        here = url_for(".pair", from_id=source.id, to_id=target.id)
        try:
            mappings = operations.add_mappings(
                current_user, source, target, form.chosen(form.from_element_ids),
                form.chosen(form.to_element_ids), form.note.data or "")
            form.created(here)
        except operations.MappingError as error:
            db.session.rollback()
            field = getattr(form, error.field or "to_element_ids")
            field.errors = [*field.errors, str(error)]
        else:
            db.session.commit()
            flash(f"{len(mappings)} " + ("mapping has" if len(mappings) == 1
                                         else "mappings have") + " been added.", "success")
            return redirect_to(here)
    return render("frameworks/mappings/pair.html", source=source, target=target,
                  rows=queries.mapping_table(source, target), form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:mapping_id>/remove", methods=["GET", "POST"])
@administrators
def remove(mapping_id: int):
    """GET asks first and says what stays; the POST from that page removes."""
    mapping = db.session.get(ElementMapping, mapping_id)
    if mapping is None:
        abort(404)
    source_id = mapping.from_element.framework_id
    back = url_for(".pair", from_id=source_id, to_id=mapping.to_element.framework_id)
    if request.method == "GET":
        return confirmation_page(_removal(mapping, back))
    if ConfirmForm().validate_on_submit():
        operations.remove_mapping(current_user, mapping)
        db.session.commit()
        flash("The mapping has been removed.", "success")
    return redirect_to(back)


def _removal(mapping: ElementMapping, back: str) -> Confirmation:
    return Confirmation(
        question=f"Are you sure you want to remove the mapping from "
                 f"{mapping.from_element.label} to {mapping.to_element.label}?",
        caption="Remove a mapping",
        consequences=("Cohorts moved between these versions from now on will not carry "
                      "links across it.",
                      "Links already carried over by a cohort's move stay as they are."),
        action_url=url_for(".remove", mapping_id=mapping.id),
        button="Yes, remove the mapping", cancel_url=back,
        cancel_text="No, keep the mapping")
