"""Adding and removing element mappings, each with an explicit actor and an audit row.

Mappings are national reference data (like the frameworks they join), so no council owns
them; the audit row carries the administrator's council.
"""

from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import User
from portal.core import audit
from portal.core.db import db
from portal.frameworks.models import ElementMapping, Framework, FrameworkElement


class MappingError(ValueError):
    """A mapping that cannot be recorded; the message is fit to show, `field` says where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_pair(source: Framework, target: Framework) -> None:
    if source.id == target.id:
        raise MappingError("Choose a different version to map to: a version cannot be "
                           "mapped to itself", field="to_id")


def _chosen(framework: Framework, element_ids: list[int], field: str,
            ) -> list[FrameworkElement]:
    elements = db.session.scalars(
        select(FrameworkElement).where(FrameworkElement.id.in_(element_ids),
                                       FrameworkElement.framework_id == framework.id)
        .order_by(FrameworkElement.position)).all()
    if not elements or len(elements) != len(set(element_ids)):
        raise MappingError(f"Choose elements of {framework.label}", field=field)
    return list(elements)


def add_mappings(actor: User, source: Framework, target: Framework, from_ids: list[int],
                 to_ids: list[int], note: str) -> list[ElementMapping]:
    """Map each chosen element of `source` to each chosen one of `target`: one element to
    several, or several to one. A pair already recorded is refused, naming it."""
    check_pair(source, target)
    if len(set(from_ids)) > 1 and len(set(to_ids)) > 1:
        raise MappingError("Map one element to several, or several elements to one: "
                           "choose only one element on one side", field="to_element_ids")
    from_elements = _chosen(source, from_ids, "from_element_ids")
    to_elements = _chosen(target, to_ids, "to_element_ids")
    pairs = [(a, b) for a in from_elements for b in to_elements]
    recorded = db.session.execute(
        select(ElementMapping.from_element_id, ElementMapping.to_element_id).where(
            tuple_(ElementMapping.from_element_id, ElementMapping.to_element_id).in_(
                [(a.id, b.id) for a, b in pairs]))).all()
    if recorded:
        names = {element.id: element.label for element in from_elements + to_elements}
        a, b = recorded[0]
        raise MappingError(f"{names[a]} is already mapped to {names[b]}",
                           field="to_element_ids")
    mappings = [ElementMapping(from_element_id=a.id, to_element_id=b.id, note=note.strip())
                for a, b in pairs]
    try:
        # Two administrators adding the same pair at once: the unique index refuses the
        # second, which gets the same message as if it had seen the first.
        with db.session.begin_nested():
            db.session.add_all(mappings)
            db.session.flush()
    except IntegrityError as error:
        raise MappingError("One of these mappings has just been recorded by someone else",
                           field="to_element_ids") from error
    for mapping in mappings:
        audit.record(actor, "framework_mapping_added", mapping,
                     from_element_id=mapping.from_element_id,
                     to_element_id=mapping.to_element_id,
                     from_framework_id=source.id, to_framework_id=target.id)
    return mappings


def remove_mapping(actor: User, mapping: ElementMapping) -> None:
    """Delete one mapping. Links already carried over by a cohort's move stay."""
    audit.record(actor, "framework_mapping_removed", mapping,
                 from_element_id=mapping.from_element_id,
                 to_element_id=mapping.to_element_id)
    db.session.delete(mapping)
    db.session.flush()
