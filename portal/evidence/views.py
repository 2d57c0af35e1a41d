"""The candidate's evidence log: list, create, view, edit, delete, autosave, coverage."""

import re
from collections.abc import Callable

from flask import Blueprint, abort, current_app, flash, request, url_for
from flask_login import current_user
from sqlalchemy import select

from portal.accounts.roles import Role
from portal.core.access import requires_role, signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render
from portal.core.pagination import paginate
from portal.core.urls import id_argument
from portal.evidence import attachments, operations
from portal.evidence.access import get_entry_or_404, read_entry_or_404
from portal.evidence.forms import DeleteEntryForm, EvidenceForm, NewEvidenceForm
from portal.evidence.models import EvidenceEntry, EvidenceType
from portal.evidence.queries import (
    SORTS,
    coverage,
    entries_count,
    evidence_statement,
    listed_entries,
    parse_filters,
)
from portal.frameworks.queries import element_choices, frameworks_for_candidate
from portal.visibility import Kind, record_reading

bp = Blueprint("evidence", __name__, url_prefix="/evidence")
EDIT_DRAFT_KEY = re.compile(r"entry-([1-9][0-9]{0,18})")
candidates_only = requires_role(Role.CANDIDATE)

# Sections that packages above evidence add to the entry page (assessment adds the feedback
# thread). They register here, so that evidence never imports the packages built on it.
_entry_page_sections: list[Callable[[EvidenceEntry], dict]] = []


def add_entry_page_section(context: Callable[[EvidenceEntry], dict]) -> None:
    """Add a section's template context (a function of the entry) to the entry page."""
    if context not in _entry_page_sections:
        _entry_page_sections.append(context)


def _offered_elements():
    """The frameworks (and their elements) the candidate's programme uses."""
    return element_choices(frameworks_for_candidate(current_user))


def _link_limit() -> int:
    return current_app.config["EVIDENCE_MAX_LINKS"]


def _prepare(form: EvidenceForm, grouped) -> None:
    choices = [(str(e.id), f"{f.title} {f.version}: {e.name}")
               for f, elements in grouped for e in elements]
    form.offer_elements(choices, _link_limit())


def _details(form: EvidenceForm) -> operations.EntryDetails:
    return operations.EntryDetails(
        title=form.title.data,
        occurred_on=form.occurred_on.data,
        evidence_type=EvidenceType(form.evidence_type.data),
        reflection=form.reflection.data or "",
        anonymised_confirmed=bool(form.anonymised_confirmed.data),
        links=form.chosen_links(),
    )


def _allowed_ids(grouped) -> set[int]:
    return {e.id for _, elements in grouped for e in elements}


@bp.route("/")
@candidates_only
def index():
    filters = parse_filters(request.args)
    grouped = _offered_elements()  # first: it caches the elements the entries link to
    if filters.active:
        # "n of your m entries": m comes with the page, as one more column.
        page = paginate(evidence_statement(current_user.id, filters, with_total=True),
                        rows=True)
        total = page.items[0][-1] if page.items else db.session.scalar(
            select(entries_count(current_user.id)))
        page.items = listed_entries(row[:-1] for row in page.items)
    else:
        page = paginate(evidence_statement(current_user.id, filters), rows=True)
        page.items = listed_entries(page.items)
        total = page.total
    return render("evidence/index.html", page=page, filters=filters, grouped=grouped,
                  sorts=SORTS, types=list(EvidenceType), total=total,
                  status=400 if filters.problems else 200)


def _form_page(form, grouped, entry=None, draft=None, status=200):
    return render("evidence/form.html", form=form, grouped=grouped, entry=entry, draft=draft,
                  link_limit=_link_limit(), status=status,
                  draft_key="new" if entry is None else f"entry-{entry.id}")


@bp.route("/new", methods=["GET", "POST"])
@candidates_only
def new():
    grouped = _offered_elements()
    draft = None
    if request.method == "GET":
        draft = operations.find_draft(current_user, "new")
    form = (NewEvidenceForm(formdata=operations.draft_form_data(draft)) if draft
            else NewEvidenceForm())
    _prepare(form, grouped)
    if form.validate_on_submit():
        try:
            with attachments.upload_guard():
                entry = operations.create_entry(current_user, _details(form),
                                                _allowed_ids(grouped), _link_limit())
                attachments.store_uploads(current_user, entry,
                                          request.files.getlist("files"))
                form.created(url_for("evidence.show", entry_id=entry.id))
                db.session.commit()
        except (operations.EvidenceError, attachments.AttachmentError) as error:
            db.session.rollback()
            _file_or_form_error(form, error)
        else:
            flash(f"‘{entry.title}’ has been saved to your evidence log.", "success")
            return redirect_to(url_for("evidence.show", entry_id=entry.id))
    status = 400 if form.errors else 200
    return _form_page(form, grouped, draft=draft, status=status)


def _file_or_form_error(form: EvidenceForm, error: Exception) -> None:
    if isinstance(error, attachments.AttachmentError):
        form.file_errors = [str(error)]
        form.form_errors.append(str(error))
        form.error_anchor = "files"  # the error summary links to the file chooser
    else:
        form.form_errors.append(str(error))


@bp.route("/<int:entry_id>")
@signed_in
def show(entry_id: int):
    """The candidate's own entry, or one the visibility table lets them read."""
    entry, seen_by = read_entry_or_404(entry_id)
    if record_reading(seen_by, Kind.EVIDENCE, entry, entry.created_at):
        db.session.commit()  # the audit row of this reading of the reflection
    sections = {}
    for context in _entry_page_sections:
        sections.update(context(entry))
    return render("evidence/show.html", entry=entry, can_edit=seen_by.can_edit(Kind.EVIDENCE),
                  **sections)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@candidates_only
def edit(entry_id: int):
    entry = get_entry_or_404(entry_id, for_edit=True)
    grouped = _offered_elements()
    draft = operations.find_draft(current_user, f"entry-{entry.id}") \
        if request.method == "GET" else None
    if draft:
        form = EvidenceForm(formdata=operations.draft_form_data(draft))
    else:
        form = EvidenceForm(obj=None if request.method == "POST" else entry)
    _prepare(form, grouped)
    if request.method == "GET" and not draft:
        for row, link in zip(form.links, entry.links, strict=False):
            row.element_id.data, row.reason.data = str(link.element_id), link.reason
    if form.validate_on_submit():
        try:
            operations.update_entry(current_user, entry, _details(form), _allowed_ids(grouped),
                                    _link_limit())
            db.session.commit()
        except operations.EvidenceError as error:
            db.session.rollback()
            _file_or_form_error(form, error)
        else:
            flash("Your changes have been saved.", "success")
            return redirect_to(url_for("evidence.show", entry_id=entry.id))
    return _form_page(form, grouped, entry=entry, draft=draft,
                      status=400 if form.errors else 200)


@bp.route("/<int:entry_id>/delete", methods=["GET", "POST"])
@candidates_only
def delete(entry_id: int):
    entry = get_entry_or_404(entry_id, for_edit=True)
    form = DeleteEntryForm()
    if form.validate_on_submit():
        title = entry.title
        for attachment in list(entry.attachments):
            attachments.delete_attachment(current_user, attachment)
        operations.delete_entry(current_user, entry)
        db.session.commit()
        flash(f"‘{title}’ has been deleted.", "success")
        return redirect_to(url_for("evidence.index"))
    return render("evidence/delete.html", entry=entry, form=form)


@bp.route("/drafts/<draft_key>", methods=["POST"])
@candidates_only
def autosave(draft_key: str):
    """Save what has been typed so far (htmx, debounced). Returns a status message."""
    if draft_key != "new":
        # One canonical spelling per entry, so an entry has exactly one edit draft.
        match = EDIT_DRAFT_KEY.fullmatch(draft_key)
        entry_id = id_argument(match.group(1)) if match else None
        if entry_id is None:
            return render("evidence/_draft_status.html", status=404, saved_at=None)
        get_entry_or_404(entry_id, for_edit=True)
    draft = operations.save_draft(current_user, draft_key, request.form)
    db.session.commit()
    return render("evidence/_draft_status.html", saved_at=draft.saved_at)


@bp.route("/drafts/<draft_key>/discard", methods=["POST"])
@candidates_only
def discard_draft(draft_key: str):
    match = EDIT_DRAFT_KEY.fullmatch(draft_key)
    entry = None
    if draft_key != "new":
        entry_id = id_argument(match.group(1)) if match else None
        if entry_id is None:
            abort(404)
        entry = get_entry_or_404(entry_id, for_edit=True)
    operations.discard_draft(current_user, draft_key)
    db.session.commit()
    flash("The unsaved draft has been discarded.", "success")
    if entry is not None:
        return redirect_to(url_for("evidence.edit", entry_id=entry.id))
    return redirect_to(url_for("evidence.new"))


@bp.route("/coverage")
@candidates_only
def framework_coverage():
    grouped = _offered_elements()
    return render("evidence/coverage.html", frameworks=coverage(current_user.id, grouped))
