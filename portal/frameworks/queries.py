"""Reading frameworks: the shipped files, and which elements a candidate can evidence."""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Select, inspect, or_, select

from portal.core.db import db
from portal.frameworks.element_cache import Element, elements_of
from portal.frameworks.loader import FrameworkFileError, load_framework, read_yaml_file
from portal.frameworks.models import (
    Framework,
    FrameworkStatus,
    programme_framework,
)
from portal.organisations.models import Cohort, CohortMembership

DATA_DIR = Path(__file__).resolve().parent / "data"


def shipped_framework_files() -> list[Path]:
    """The framework files that come with the portal, in name order."""
    return sorted(DATA_DIR.glob("*.yaml"))


def load_shipped_frameworks() -> list[Framework]:
    """Load every shipped framework that is not loaded yet; returns the ones added.

    Safe to run again: a (code, version) already in the database is left alone. Flushes,
    never commits. A broken shipped file raises FrameworkFileError naming the file.
    """
    loaded = {
        (code, version)
        for code, version in db.session.execute(select(Framework.code, Framework.version))
    }
    added = []
    for path in shipped_framework_files():
        try:
            data = read_yaml_file(path)
            if (data.get("code"), data.get("version")) in loaded:
                continue
            added.append(load_framework(data))
        except FrameworkFileError as error:
            raise FrameworkFileError(f"{path.name}: {error}") from error
    return added


# Where a higher package keeps the versions a candidate's open work is pinned to
# (portfolios, moved between versions by a lead): each gives a select of framework ids
# for a candidate's id. Registered, because frameworks sits below the packages that pin.
_pinned_framework_sources: list[Callable[[int], Select]] = []


def add_pinned_frameworks(source: Callable[[int], Select]) -> None:
    if source not in _pinned_framework_sources:
        _pinned_framework_sources.append(source)


def _active(*chosen) -> list[Framework]:
    """The active frameworks meeting any of the `chosen` conditions, in order."""
    return list(db.session.scalars(
        select(Framework)
        .where(or_(*chosen), Framework.status == FrameworkStatus.ACTIVE.value)
        .order_by(Framework.code, Framework.version)
    ).all())


def frameworks_for_candidate(user) -> list[Framework]:
    """The active versions the candidate's open portfolios are pinned to (a cohort moved to
    a new version offers the new one); failing those, the active frameworks of the
    programmes the candidate's cohorts follow. Retired ones are left out, and so are
    drafts: their elements may still carry titles nobody has checked against the
    publisher, which only administrators see.

    A candidate in no cohort (or whose programmes have no frameworks yet) is offered every
    active framework, so evidence can still be linked to something.
    """
    if _pinned_framework_sources:
        pinned = _active(*(Framework.id.in_(source(user.id))
                           for source in _pinned_framework_sources))
        if pinned:
            return pinned
    programme_ids = (
        select(Cohort.programme_id)
        .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .where(CohortMembership.candidate_id == user.id)
    )
    framework_ids = select(programme_framework.c.framework_id).where(
        programme_framework.c.programme_id.in_(programme_ids)
    )
    frameworks = _active(Framework.id.in_(framework_ids))
    if frameworks:
        return frameworks
    return list(
        db.session.scalars(
            select(Framework)
            .where(Framework.status == FrameworkStatus.ACTIVE.value)
            .order_by(Framework.code, Framework.version)
        ).all()
    )


def element_choices(frameworks) -> list[tuple[Framework, tuple[Element, ...]]]:
    """Each framework with its elements in tree order, from the per-process cache."""
    frameworks = list(frameworks)
    if not frameworks:
        return []
    # The identity key needs no query even when the objects were expired by a commit.
    ids = [inspect(framework).identity[0] for framework in frameworks]
    elements = elements_of(ids)
    return [(framework, elements[id_]) for framework, id_ in zip(frameworks, ids, strict=True)]
