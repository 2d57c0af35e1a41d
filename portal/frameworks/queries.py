"""Reading frameworks: the shipped files, and which elements a candidate can evidence."""

from pathlib import Path

from sqlalchemy import inspect, select

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


def frameworks_for_candidate(user) -> list[Framework]:
    """The active frameworks of the programmes the candidate's cohorts follow. Retired ones
    are left out, and so are drafts: their elements may still carry titles nobody has
    checked against the publisher, which only administrators see.

    A candidate in no cohort (or whose programmes have no frameworks yet) is offered every
    active framework, so evidence can still be linked to something.
    """
    programme_ids = (
        select(Cohort.programme_id)
        .join(CohortMembership, CohortMembership.cohort_id == Cohort.id)
        .where(CohortMembership.candidate_id == user.id)
    )
    framework_ids = select(programme_framework.c.framework_id).where(
        programme_framework.c.programme_id.in_(programme_ids)
    )
    frameworks = db.session.scalars(
        select(Framework)
        .where(Framework.id.in_(framework_ids), Framework.status == FrameworkStatus.ACTIVE.value)
        .order_by(Framework.code, Framework.version)
    ).all()
    if frameworks:
        return list(frameworks)
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
