"""Read-only framework pages for administrators and programme leads.

Frameworks are national reference data; administrators change them through the pages in
frameworks/imports/, which these pages link to (`can_manage`).
"""

from flask import Blueprint, abort
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload

from portal.accounts.roles import Role
from portal.core.access import requires_role
from portal.core.db import db
from portal.core.htmx import render
from portal.frameworks.models import ElementMapping, Framework, FrameworkElement, element_name

bp = Blueprint("frameworks", __name__, url_prefix="/frameworks")
# Snapshots keep an element's code and title as text; this names it as everywhere else.
bp.add_app_template_filter(element_name, "element_name")
framework_readers = requires_role(Role.ADMINISTRATOR, Role.PROGRAMME_LEAD,
                                  Role.SERVICE_ADMINISTRATOR)


@bp.route("/")
@framework_readers
def index():
    element_count = (
        select(func.count(FrameworkElement.id))
        .where(FrameworkElement.framework_id == Framework.id)
        .correlate(Framework)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Framework, element_count.label("elements"))
        .order_by(Framework.title, Framework.version.desc(), Framework.id)
    ).all()
    return render("frameworks/index.html", rows=rows,
                  can_manage=current_user.has_role(Role.SERVICE_ADMINISTRATOR))


@bp.route("/<int:framework_id>")
@framework_readers
def show(framework_id: int):
    framework = db.session.get(Framework, framework_id)
    if framework is None:
        abort(404)
    elements = framework.elements
    parents = {element.id: element for element in elements}
    mappings = _mappings_of(framework)
    return render(
        "frameworks/show.html",
        framework=framework,
        elements=elements,
        parent_of=lambda element: parents.get(element.parent_id),
        levels=framework.levels,
        mapped_to=[m for m in mappings if m.from_element.framework_id == framework.id],
        mapped_from=[m for m in mappings if m.to_element.framework_id == framework.id],
        can_manage=current_user.has_role(Role.SERVICE_ADMINISTRATOR),
    )


def _mappings_of(framework: Framework) -> list[ElementMapping]:
    """Mappings to or from this version, each with both elements and frameworks (one query)."""
    own_elements = select(FrameworkElement.id).where(
        FrameworkElement.framework_id == framework.id
    )
    return list(
        db.session.scalars(
            select(ElementMapping)
            .where(
                or_(
                    ElementMapping.from_element_id.in_(own_elements),
                    ElementMapping.to_element_id.in_(own_elements),
                )
            )
            .options(
                joinedload(ElementMapping.from_element).joinedload(FrameworkElement.framework),
                joinedload(ElementMapping.to_element).joinedload(FrameworkElement.framework),
            )
            .order_by(ElementMapping.id)
        ).unique()
    )
