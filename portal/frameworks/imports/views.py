"""Administrators' framework pages: import a file, preview it, save a draft, check its
elements, activate it, retire a version. Frameworks are national, so only administrators
change them; programme leads read them on the pages in frameworks/views.py."""

from flask import Blueprint, abort, flash, url_for
from flask_login import current_user
from werkzeug.utils import secure_filename

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.confirm import Confirmation, confirmation_page
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.core.template_helpers import plural
from portal.frameworks.imports import operations
from portal.frameworks.imports.forms import ElementForm, SaveImportForm, UploadFrameworkForm
from portal.frameworks.imports.reading import check_upload, decode
from portal.frameworks.loader import FrameworkFileError
from portal.frameworks.models import Framework, FrameworkElement, FrameworkStatus

bp = Blueprint("framework_imports", __name__, url_prefix="/frameworks")
# Frameworks are national: shared by every council, so only a service administrator (above
# the councils) changes them.
administrators_only = requires_role(Role.SERVICE_ADMINISTRATOR)


def _framework_or_404(framework_id: int) -> Framework:
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        abort(404)
    return framework


def _problems_page(form, problems: list[str]):
    """The upload page with every problem of the file listed, beside the file input."""
    # A browser cannot keep a chosen file: say so, beside the file input.
    form.framework_file.errors = [f"The file has {plural(len(problems), 'problem')}. Nothing "
                                  "was saved. Fix the file, then choose it again"]
    return render("frameworks/import.html", form=form, problems=problems, status=400)


@bp.route("/import", methods=["GET", "POST"])
@administrators_only
def upload():
    form = UploadFrameworkForm()
    if not form.validate_on_submit():
        return render("frameworks/import.html", form=form, problems=[],
                      status=400 if form.errors else 200)
    # The uploaded name is display text and a format hint only, never a path.
    file_name = secure_filename(form.framework_file.data.filename or "") or "framework"
    try:
        text = decode(form.framework_file.data.read(512 * 1024 + 1))
        values, draft = check_upload(file_name, text)
    except FrameworkFileError as error:
        return _problems_page(form, error.problems)
    save_form = SaveImportForm(formdata=None, file_name=file_name, file_text=text)
    return render("frameworks/preview.html", values=values, draft=draft, file_name=file_name,
                  form=save_form)


@bp.route("/import/save", methods=["POST"])
@administrators_only
def save():
    form = SaveImportForm()
    if not form.validate_on_submit():
        return render("frameworks/import.html", form=UploadFrameworkForm(), problems=[
            message for messages in form.errors.values() for message in messages], status=400)
    try:
        values, draft = check_upload(form.file_name.data, form.file_text.data)
    except FrameworkFileError as error:
        db.session.rollback()
        return _problems_page(UploadFrameworkForm(), error.problems)
    framework = operations.import_framework(current_user, values, draft)
    location = url_for("frameworks.show", framework_id=framework.id)
    form.created(location)
    db.session.commit()
    flash(f"{framework.label} was saved as a draft. Check each element against the "
          "publisher's text, then activate it.", "success")
    return redirect_to(location)


@bp.route("/<int:framework_id>/elements/<int:element_id>", methods=["GET", "POST"])
@administrators_only
def edit_element(framework_id: int, element_id: int):
    framework = _framework_or_404(framework_id)
    element = db.session.get(FrameworkElement, element_id)
    if element is None or element.framework_id != framework.id:
        abort(404)
    if framework.status != FrameworkStatus.DRAFT.value:
        abort(404)  # only a draft's words change; its page offers no edit link
    form = ElementForm(obj=element)
    if form.validate_on_submit():
        try:
            operations.edit_element(current_user, element, form.title.data,
                                    form.description.data, form.verified.data)
        except operations.FrameworkChangeRefused as refused:
            form.verified.errors = list(refused.reasons)
        else:
            db.session.commit()
            flash(f"Element {element.code} was saved.", "success")
            return redirect_to(url_for("frameworks.show", framework_id=framework.id,
                                       _anchor=f"element-{element.id}"))
    return render("frameworks/edit_element.html", framework=framework, element=element,
                  form=form, status=400 if form.errors else 200)


@bp.route("/<int:framework_id>/activate", methods=["GET", "POST"])
@administrators_only
def activate(framework_id: int):
    framework = _framework_or_404(framework_id)
    form = ConfirmForm()
    problems = operations.activation_problems(framework)
    if form.validate_on_submit() and not problems:
        operations.activate_framework(current_user, framework)
        db.session.commit()
        flash(f"{framework.label} is now active.", "success")
        return redirect_to(url_for("frameworks.show", framework_id=framework.id))
    refused = bool(problems) and form.is_submitted()
    return render("frameworks/activate.html", framework=framework, form=form,
                  problems=problems, refused=refused, status=400 if refused else 200)


@bp.route("/<int:framework_id>/retire", methods=["GET", "POST"])
@administrators_only
def retire(framework_id: int):
    framework = _framework_or_404(framework_id)
    back = url_for("frameworks.show", framework_id=framework.id)
    if framework.status != FrameworkStatus.ACTIVE.value:
        flash("Only an active version can be retired.", "info")
        return redirect_to(back)
    if ConfirmForm().validate_on_submit():
        operations.retire_framework(current_user, framework)
        db.session.commit()
        flash(f"{framework.label} is retired.", "success")
        return redirect_to(back)
    return confirmation_page(Confirmation(
        question=f"Retire {framework.label}?", action_url=url_for(
            "framework_imports.retire", framework_id=framework.id),
        button="Yes, retire this version", cancel_url=back, caption="Frameworks",
        consequences=(
            "Candidates can no longer link new evidence to its elements.",
            "Evidence already linked to it keeps its links, and submitted portfolios "
            "do not change.",
        )))
