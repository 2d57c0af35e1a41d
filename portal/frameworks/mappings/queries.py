"""Read models for the mapping editor: the versions to choose from, and one pair's table."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from portal.core.db import db
from portal.frameworks.models import ElementMapping, Framework, FrameworkElement


def frameworks() -> list[Framework]:
    """Every loaded version, in the order the frameworks page lists them."""
    return list(db.session.scalars(
        select(Framework).order_by(Framework.title, Framework.version.desc(), Framework.id)))


@dataclass
class MappedElement:
    """A from-element and the mappings that lead from it into the other version."""

    element: FrameworkElement
    mappings: list[ElementMapping] = field(default_factory=list)


def mapping_table(source: Framework, target: Framework) -> list[MappedElement]:
    """Each element of `source` in tree order, with its mappings into `target` (two
    queries: the elements, then the mappings with their to-elements)."""
    elements = db.session.scalars(
        select(FrameworkElement).where(FrameworkElement.framework_id == source.id)
        .order_by(FrameworkElement.position)).all()
    rows = {element.id: MappedElement(element) for element in elements}
    target_elements = select(FrameworkElement.id).where(
        FrameworkElement.framework_id == target.id)
    mappings = db.session.scalars(
        select(ElementMapping)
        .where(ElementMapping.from_element_id.in_(list(rows)),
               ElementMapping.to_element_id.in_(target_elements))
        .options(joinedload(ElementMapping.to_element))
        .join(FrameworkElement, FrameworkElement.id == ElementMapping.to_element_id)
        .order_by(FrameworkElement.position, ElementMapping.id)).all()
    for mapping in mappings:
        rows[mapping.from_element_id].mappings.append(mapping)
    return list(rows.values())


def elements_of(framework: Framework) -> list[FrameworkElement]:
    """The version's elements in tree order (the add form's choices)."""
    return list(db.session.scalars(
        select(FrameworkElement).where(FrameworkElement.framework_id == framework.id)
        .order_by(FrameworkElement.position)))
