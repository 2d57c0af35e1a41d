"""Building a programme: create one, change its details and parts row by row, choose its
frameworks, publish it, start a new version. Programme leads and administrators of the
programme's council only; every page works without JavaScript."""

from flask import Blueprint, abort, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.core.confirm import Confirmation, confirmation_page
from portal.core.db import db
from portal.core.forms import ConfirmForm
from portal.core.htmx import redirect_to, render
from portal.frameworks.models import Framework
from portal.programmes import building, versions
from portal.programmes.building_forms import (
    PART_FORMS,
    DetailsForm,
    FrameworksForm,
    NewProgrammeForm,
    NewVersionForm,
)
from portal.programmes.problems import attach
from portal.programmes.spec import programme_spec
from portal.programmes.templates import shipped_templates
from portal.programmes.validation import ProgrammeInvalid
from portal.programmes.views import get_programme_or_404, programme_managers

bp = Blueprint("programme_builder", __name__, url_prefix="/programmes")

# The parts as they appear in addresses and headings.
PART_SLUGS = {"stages": "stages", "review-points": "review_points",
              "components": "components", "decision-codes": "decision_codes"}
PART_TITLES = {"stages": ("Stages", "stage"), "review_points": ("Review points", "review point"),
               "components": ("Required parts", "required part"),
               "decision_codes": ("Decision codes", "decision code")}


def _part(slug: str) -> str:
    if slug not in PART_SLUGS:
        abort(404)
    return PART_SLUGS[slug]


def _build_url(programme) -> str:
    return url_for("programme_builder.build", programme_id=programme.id)


def _confirmed(form):
    """A button-only POST: refused outright (400) without its CSRF token."""
    if not form.validate_on_submit():
        abort(400)
    return form


def _refuse(form, error: Exception, part: str = "programme", index: int | None = None):
    db.session.rollback()
    if isinstance(error, ProgrammeInvalid):
        attach(form, error.problems, part, index)
    else:
        form.form_errors.append(str(error))


@bp.route("/new", methods=["GET", "POST"])
@programme_managers
def new():
    templates = shipped_templates()
    form = NewProgrammeForm()
    form.set_templates(templates)
    if form.validate_on_submit():
        blank = form.start_from.data == "blank"
        try:
            programme = building.create_programme(
                current_user, form.name.data, form.kind.data if blank else None,
                form.duration_months.data if blank else None,
                None if blank else form.start_from.data)
            form.created(_build_url(programme))
        except ProgrammeInvalid as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash(f"Programme '{programme.name}' has been created as a draft.", "success")
            return redirect_to(_build_url(programme))
    return render("programmes/new.html", form=form, templates=templates,
                  status=400 if form.errors else 200)


@bp.route("/<int:programme_id>/build")
@programme_managers
def build(programme_id: int):
    programme = get_programme_or_404(programme_id)
    family = building.family_versions(programme)
    published = next((v for v in family if v.state == "published"), None)
    return render("programmes/build.html", programme=programme, family=family,
                  editable=building.editable(programme), in_use=building.in_use(programme),
                  changes=versions.changes(published, programme)
                  if published is not None and programme.state == "draft" else None,
                  form=ConfirmForm(), version_form=NewVersionForm())


@bp.route("/<int:programme_id>/details", methods=["GET", "POST"])
@programme_managers
def details(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = DetailsForm(obj=programme)
    if form.validate_on_submit():
        try:
            building.update_details(current_user, programme, form.name.data, form.kind.data,
                                    form.duration_months.data)
        except (ProgrammeInvalid, building.ProgrammeFrozen) as error:
            _refuse(form, error)
        else:
            db.session.commit()
            flash("The programme's details have been saved.", "success")
            return redirect_to(_build_url(programme))
    return render("programmes/details.html", programme=programme, form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:programme_id>/<slug>")
@programme_managers
def part(programme_id: int, slug: str):
    programme = get_programme_or_404(programme_id)
    return _part_page(programme, _part(slug), ConfirmForm())


def _part_page(programme, part: str, form, status: int = 200):
    return render("programmes/part.html", programme=programme, part=part,
                  slug=next(s for s, p in PART_SLUGS.items() if p == part),
                  titles=PART_TITLES[part], rows=programme_spec(programme)[part],
                  editable=building.editable(programme), form=form, status=status)


def _part_form(programme, part: str, row: dict | None):
    form = PART_FORMS[part](data=_form_data(part, row) if row is not None else None)
    if part == "components":
        form.per_stage.choices = [(s.code, s.title) for s in programme.stages]
    return form


def _form_data(part: str, row: dict) -> dict:
    if part != "components":
        return row
    kind = "evidence" if row.get("evidence") else "record"
    return {**row, "counts": f"{kind}:{row.get(kind)}", "per_stage": row.get("per_stage") or []}


@bp.route("/<int:programme_id>/<slug>/new", methods=["GET", "POST"])
@bp.route("/<int:programme_id>/<slug>/<int:index>", methods=["GET", "POST"])
@programme_managers
def edit_row(programme_id: int, slug: str, index: int | None = None):
    programme = get_programme_or_404(programme_id)
    part = _part(slug)
    rows = programme_spec(programme)[part]
    if index is not None and not 0 <= index < len(rows):
        abort(404)
    form = _part_form(programme, part, rows[index] if index is not None else None)
    if form.validate_on_submit():
        try:
            building.save_part(current_user, programme, part, index, form.values())
        except (ProgrammeInvalid, building.ProgrammeFrozen) as error:
            _refuse(form, error, part, len(rows) if index is None else index)
        else:
            db.session.commit()
            flash(f"The {PART_TITLES[part][1]} has been saved.", "success")
            return redirect_to(url_for("programme_builder.part", programme_id=programme.id,
                                       slug=slug))
    return render("programmes/row_form.html", programme=programme, part=part, slug=slug,
                  titles=PART_TITLES[part], index=index, form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:programme_id>/<slug>/<int:index>/remove", methods=["GET", "POST"])
@programme_managers
def remove_row(programme_id: int, slug: str, index: int):
    programme = get_programme_or_404(programme_id)
    part = _part(slug)
    rows = programme_spec(programme)[part]
    if not 0 <= index < len(rows):
        abort(404)
    if request.method == "GET":
        return confirmation_page(_removal(programme, slug, index, rows[index]))
    form = _confirmed(ConfirmForm())
    try:
        building.remove_part(current_user, programme, part, index,
                             code=request.form.get("code", ""))
    except building.RowMoved as error:
        _refuse(form, error, part, None)
        return _part_page(get_programme_or_404(programme_id), part, form, status=409)
    except (ProgrammeInvalid, building.ProgrammeFrozen) as error:
        _refuse(form, error, part, None)
        programme = get_programme_or_404(programme_id)
        return _part_page(programme, part, form, status=400)
    db.session.commit()
    flash(f"The {PART_TITLES[part][1]} has been removed.", "success")
    return redirect_to(url_for("programme_builder.part", programme_id=programme.id, slug=slug))


def _removal(programme, slug: str, index: int, row: dict) -> Confirmation:
    """The question before a row leaves a draft; the row's code travels with the button."""
    noun = PART_TITLES[_part(slug)][1]
    name = row.get("title") or row.get("label") or row.get("code")
    back = url_for("programme_builder.part", programme_id=programme.id, slug=slug)
    return Confirmation(
        question=f"Remove the {noun} ‘{name}’?",
        caption=f"{programme.name}, version {programme.version}",
        action_url=url_for("programme_builder.remove_row", programme_id=programme.id,
                           slug=slug, index=index),
        button=f"Yes, remove the {noun}", cancel_url=back,
        consequences=(f"It leaves this draft version. Published versions, and the cohorts "
                      f"on them, keep their own {noun}s.",),
        warning="To have it back, add it again.",
        hidden_fields=(("code", row.get("code") or ""),))


@bp.route("/<int:programme_id>/frameworks", methods=["GET", "POST"])
@programme_managers
def frameworks(programme_id: int):
    programme = get_programme_or_404(programme_id)
    active = db.session.scalars(select(Framework).where(Framework.status == "active")
                                .order_by(Framework.title, Framework.version)).all()
    form = FrameworksForm(data={"framework_ids": [str(f.id) for f in programme.frameworks]})
    form.framework_ids.choices = [(str(f.id), f"{f.title} ({f.version})") for f in active]
    if form.validate_on_submit():
        chosen = [f for f in active if str(f.id) in set(form.framework_ids.data)]
        try:
            building.set_frameworks(current_user, programme, chosen)
        except (ProgrammeInvalid, building.ProgrammeFrozen) as error:
            _refuse(form, error, "frameworks")
        else:
            db.session.commit()
            flash("The programme's frameworks have been saved.", "success")
            return redirect_to(_build_url(programme))
    return render("programmes/frameworks.html", programme=programme, form=form,
                  status=400 if form.errors else 200)


@bp.route("/<int:programme_id>/publish", methods=["POST"])
@programme_managers
def publish(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = _confirmed(ConfirmForm())
    try:
        building.publish(current_user, programme)
    except (ProgrammeInvalid, building.ProgrammeFrozen) as error:
        _refuse(form, error)
        programme = get_programme_or_404(programme_id)
        family = building.family_versions(programme)
        return render("programmes/build.html", programme=programme, family=family,
                      editable=building.editable(programme),
                      in_use=building.in_use(programme), changes=None, form=form,
                      version_form=NewVersionForm(), status=400)
    db.session.commit()
    flash(f"Version {programme.version} is published: new cohorts can start on it.",
          "success")
    return redirect_to(_build_url(programme))


@bp.route("/<int:programme_id>/new-version", methods=["POST"])
@programme_managers
def new_version(programme_id: int):
    programme = get_programme_or_404(programme_id)
    form = _confirmed(NewVersionForm())
    draft = building.new_version(current_user, programme)
    form.created(_build_url(draft))
    db.session.commit()
    flash(f"Version {draft.version} is a draft: change it, then publish it.", "success")
    return redirect_to(_build_url(draft))
