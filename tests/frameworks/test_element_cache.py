"""The per-process element cache holds only versions whose words no longer change."""

from portal.core.db import db
from portal.frameworks import element_cache
from portal.frameworks.imports.operations import edit_element
from portal.frameworks.queries import element_choices
from tests.conftest import count_queries
from tests.frameworks.helpers import make_framework


def test_a_drafts_elements_are_read_afresh_so_an_edit_shows_at_once(app):
    draft = make_framework(code="ecs-test", status="draft")
    db.session.commit()
    assert element_choices([draft])[0][1][0].title == "Professionalism"
    edit_element(None, draft.elements[0], "Professional standards", "", True)
    db.session.commit()
    with count_queries() as statements:
        elements = element_choices([draft])[0][1]
    assert len(statements) == 1  # not from the cache
    assert elements[0].title == "Professional standards"
    assert element_cache.elements_by_id([elements[0].id])[elements[0].id].title == (
        "Professional standards")


def test_an_active_versions_elements_are_cached(app):
    active = make_framework()
    db.session.commit()
    element_choices([active])
    with count_queries() as statements:
        element_choices([active])
    assert statements == []
