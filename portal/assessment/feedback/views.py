"""The feedback thread on an evidence entry: the form, posting a message, the partial."""

from flask import Blueprint, abort, flash, make_response, render_template, url_for
from flask_login import current_user

from portal.assessment.feedback import operations as feedback
from portal.assessment.feedback.forms import FeedbackForm
from portal.assessment.models import FeedbackKind
from portal.core.access import signed_in
from portal.core.db import db
from portal.core.htmx import redirect_to, render, wants_fragment
from portal.core.urls import id_argument
from portal.evidence.access import can_edit_entry, get_entry_or_404
from portal.evidence.models import EvidenceEntry
from portal.evidence.views import add_entry_page_section

bp = Blueprint("feedback", __name__, url_prefix="/evidence")

def feedback_form(entry: EvidenceEntry, is_assessor: bool, fresh: bool = False) -> FeedbackForm:
    """The form for this viewer; `fresh` ignores what was just posted (after a success)."""
    form = FeedbackForm(formdata=None) if fresh else FeedbackForm()
    if is_assessor:
        form.element_id.choices = [
            (str(element.id), element.label)
            for element in feedback.linked_elements(entry)
        ]
    else:
        del form.kind
        del form.element_id
    return form


def feedback_context(entry: EvidenceEntry, form: FeedbackForm | None = None,
                     added: bool = False) -> dict:
    """What templates/evidence/_feedback.html needs, for the entry page and the fragment."""
    is_assessor = feedback.is_current_assessor(current_user, entry)
    may_post = feedback.can_post(current_user, entry)
    if may_post and form is None:
        form = feedback_form(entry, is_assessor, fresh=True)
    return {
        "feedback_thread": feedback.thread(entry),
        "feedback_may_post": may_post,
        "feedback_is_assessor": is_assessor,
        "feedback_form": form if may_post else None,
        "feedback_added": added,
        "feedback_elements": feedback.linked_elements(entry),
    }


# The entry page shows the thread; evidence cannot import assessment, so it is told here.
add_entry_page_section(feedback_context)


@bp.route("/<int:entry_id>/feedback", methods=["POST"])
@signed_in
def post(entry_id: int):
    """Add a message to the entry's thread (the candidate or their current assessor)."""
    entry = get_entry_or_404(entry_id)
    if not feedback.can_post(current_user, entry):
        # A previous assessor reads the thread but, like anyone else, has nothing to post to.
        abort(404)
    is_assessor = feedback.is_current_assessor(current_user, entry)
    form = feedback_form(entry, is_assessor)
    if form.validate_on_submit():
        kind = FeedbackKind(form.kind.data) if is_assessor else FeedbackKind.COMMENT
        element_id = id_argument(form.element_id.data) if is_assessor else None
        try:
            feedback.add_message(current_user, entry, form.body.data, kind, element_id)
        except feedback.FeedbackError as error:
            db.session.rollback()
            getattr(form, error.field).errors = [*getattr(form, error.field).errors, str(error)]
        else:
            db.session.commit()
            if wants_fragment():
                return _fragment(entry, added=True)
            flash("Message added", "success")
            return redirect_to(url_for("evidence.show", entry_id=entry.id) + "#feedback")
    if wants_fragment():
        return _fragment(entry, form=form, status=400)
    # `form` too, so the page title starts "Error:".
    return render("evidence/show.html", status=400, entry=entry, form=form,
                  can_edit=can_edit_entry(current_user, entry),
                  **feedback_context(entry, form=form))


def _fragment(entry: EvidenceEntry, form: FeedbackForm | None = None, added: bool = False,
              status: int = 200):
    """The thread and form only, plus the status message swapped into the live region."""
    html = render_template("evidence/_feedback.html", entry=entry, feedback_swap=True,
                           **feedback_context(entry, form=form, added=added))
    response = make_response(html, status)
    response.vary.add("HX-Request")
    return response
