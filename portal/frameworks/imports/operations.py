"""Changing framework versions from the web: import as a draft, edit a draft's elements,
activate, retire. Each takes the administrator as `actor`, writes an audit row, flushes and
never commits. A version's elements change only while it is a draft, so portfolios that
link evidence to an active version never see its words move (element_cache relies on it).
"""

from portal.core import audit
from portal.core.db import db
from portal.frameworks.loader import add_elements, set_framework_status
from portal.frameworks.models import (
    Framework,
    FrameworkElement,
    FrameworkStatus,
    is_placeholder,
)


class FrameworkChangeRefused(ValueError):
    """A change the framework's state does not allow, with every reason."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))


def import_framework(actor, values: dict, draft: Framework | None) -> Framework:
    """Save checked file values as a draft version, or fill the empty draft that holds a
    standard's place. Whatever status the file names, an import is a draft until an
    administrator has checked it and activates it."""
    framework = draft or Framework(
        code=values["code"], version=values["version"], status=FrameworkStatus.DRAFT.value)
    for key in ("title", "publisher", "source", "published_on", "applies_from"):
        if values.get(key):
            setattr(framework, key, values[key])
    add_elements(framework, values)
    db.session.add(framework)
    db.session.flush()
    audit.record(actor, "framework_imported", framework, code=framework.code,
                 version=framework.version, elements=len(framework.elements),
                 filled_place=draft is not None)
    return framework


def edit_element(actor, element: FrameworkElement, title: str, description: str,
                 verified: bool) -> FrameworkElement:
    """Correct a draft element's wording and say whether it matches the publisher's text."""
    if element.framework.status != FrameworkStatus.DRAFT.value:
        raise FrameworkChangeRefused(["Only a draft version's elements can be changed"])
    if verified and is_placeholder(title):
        raise FrameworkChangeRefused(
            ["Replace the placeholder with the publisher's title before confirming it"])
    previous = {"title": element.title, "verified": element.verified}
    element.title, element.description, element.verified = title, description, verified
    db.session.flush()
    audit.record(actor, "framework_element_edited", element, framework_id=element.framework_id,
                 code=element.code, previous=previous, verified=verified)
    return element


def activation_problems(framework: Framework) -> list[tuple[FrameworkElement | None, str]]:
    """Why a version cannot be activated yet: each with the element to fix, if any."""
    if framework.status != FrameworkStatus.DRAFT.value:
        return [(None, "Only a draft version can be activated")]
    if not framework.elements:
        return [(None, "This version has no elements yet: import the published text first")]
    return [
        (element, f"Element {element.code} has not been checked against the publisher's text")
        for element in framework.elements
        if not element.verified or is_placeholder(element.title)
    ]


def activate_framework(actor, framework: Framework) -> Framework:
    """Make a checked draft the version programmes and candidates can use."""
    problems = activation_problems(framework)
    if problems:
        raise FrameworkChangeRefused([message for _element, message in problems])
    return set_framework_status(framework, FrameworkStatus.ACTIVE.value, actor)


def retire_framework(actor, framework: Framework) -> Framework:
    """Stop offering an active version to new evidence; links already made stay."""
    if framework.status != FrameworkStatus.ACTIVE.value:
        raise FrameworkChangeRefused(["Only an active version can be retired"])
    return set_framework_status(framework, FrameworkStatus.RETIRED.value, actor)
