"""Framework elements, read once per process.

An active or retired framework version never changes: the loader refuses to load a
(code, version) twice, only a draft's elements are edited (by an administrator confirming
titles before activation), and a new wording arrives as a new version with new ids. So the
elements of a version that is not a draft can be cached by framework id for the life of the
process, which takes the largest static read off every evidence, sufficiency and
observation page. A draft's elements are read afresh every time: another process may edit
or fill them, and this process would never hear of it. Activation is the last change, and
an edit after it is refused, so a version cached once active stays right.
Values are frozen copies, never ORM objects, so they cannot be changed or lazily load.
"""

import threading
from dataclasses import dataclass

from sqlalchemy import select

from portal.core.db import db
from portal.frameworks.models import (
    Framework,
    FrameworkElement,
    FrameworkStatus,
    element_name,
    short_code,
)


@dataclass(frozen=True)
class Element:
    id: int
    framework_id: int
    parent_id: int | None
    code: str
    title: str
    description: str
    group_name: str | None
    position: int
    depth: int
    verified: bool
    framework_short_code: str = ""

    @property
    def name(self) -> str:
        """The element within its framework: '1 Professionalism'."""
        return element_name(self.code, self.title)

    @property
    def label(self) -> str:
        """The element anywhere, with its framework: 'PCF 1 Professionalism', 'KSS 1 ...'."""
        return f"{self.framework_short_code} {self.name}".strip()


_cache: dict[int, tuple[Element, ...]] = {}
_by_id: dict[int, Element] = {}  # every cached element, by its own id
_lock = threading.Lock()


def elements_of(framework_ids: list[int]) -> dict[int, tuple[Element, ...]]:
    """Each framework's elements in tree order; one query for any not cached yet."""
    with _lock:
        found = {id_: _cache[id_] for id_ in framework_ids if id_ in _cache}
    missing = [id_ for id_ in framework_ids if id_ not in found]
    if missing:
        loaded, fixed = _load(missing)
        with _lock:
            # A framework with no elements yet is not cached: it may be mid-load.
            _cache.update({id_: items for id_, items in loaded.items() if items and id_ in fixed})
            _by_id.update({e.id: e for id_ in fixed for e in loaded[id_]})
        found.update(loaded)
    return {id_: found[id_] for id_ in framework_ids}


def elements_by_id(element_ids) -> dict[int, Element]:
    """Elements by their own ids, from the cache; one query finds the frameworks of any
    not cached yet, which are then cached whole."""
    wanted = set(element_ids)
    with _lock:
        found = {id_: _by_id[id_] for id_ in wanted if id_ in _by_id}
    missing = wanted - found.keys()
    if missing:
        framework_ids = db.session.scalars(
            select(FrameworkElement.framework_id).distinct()
            .where(FrameworkElement.id.in_(sorted(missing)))).all()
        for items in elements_of(sorted(framework_ids)).values():
            found.update({e.id: e for e in items if e.id in missing})
    return found


def _load(framework_ids: list[int]) -> tuple[dict[int, tuple[Element, ...]], set[int]]:
    """The frameworks' elements, and which of those frameworks may be cached (not drafts)."""
    loaded: dict[int, list[Element]] = {id_: [] for id_ in framework_ids}
    fixed = set()
    for row, framework_code, status in db.session.execute(
        select(FrameworkElement, Framework.code, Framework.status)
        .join(Framework, Framework.id == FrameworkElement.framework_id)
        .where(FrameworkElement.framework_id.in_(framework_ids))
        .order_by(FrameworkElement.framework_id, FrameworkElement.position)
    ):
        loaded[row.framework_id].append(Element(
            row.id, row.framework_id, row.parent_id, row.code, row.title, row.description,
            row.group_name, row.position, row.depth, row.verified, short_code(framework_code)))
        if status != FrameworkStatus.DRAFT.value:
            fixed.add(row.framework_id)
    return {id_: tuple(items) for id_, items in loaded.items()}, fixed


def forget_all() -> None:
    """Empty the cache (tests reuse ids after wiping tables)."""
    with _lock:
        _cache.clear()
        _by_id.clear()
