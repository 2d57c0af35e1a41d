"""Which frameworks and elements a candidate is offered when linking evidence."""

import pytest

from portal.core.db import db
from portal.frameworks.queries import element_choices, frameworks_for_candidate
from tests import factories
from tests.conftest import count_queries
from tests.frameworks.helpers import make_framework


def _candidate_on(org, *frameworks):
    programme = factories.programme(org)
    programme.frameworks.extend(frameworks)
    candidate = factories.user(org)
    factories.membership(factories.cohort(org, programme), candidate)
    db.session.flush()
    return candidate


def test_a_candidate_gets_their_programmes_frameworks(org):
    pcf = make_framework()
    kss = make_framework(code="kss-adults", version="2015")
    make_framework(code="kss-child-family")
    candidate = _candidate_on(org, pcf, kss)
    assert frameworks_for_candidate(candidate) == [kss, pcf]


def test_retired_frameworks_are_left_out(org):
    pcf = make_framework()
    old = make_framework(version="2010", status="retired")
    candidate = _candidate_on(org, pcf, old)
    assert frameworks_for_candidate(candidate) == [pcf]


def test_draft_frameworks_are_not_offered_to_candidates(org):
    pcf = make_framework()
    draft = make_framework(code="ecs-child-family", version="2026", status="draft")
    candidate = _candidate_on(org, pcf, draft)
    assert frameworks_for_candidate(candidate) == [pcf]


def test_without_programme_frameworks_every_active_one_is_offered(org):
    pcf = make_framework()
    retired = make_framework(version="2010", status="retired")
    make_framework(code="kss", status="draft")
    candidate_in_no_cohort = factories.user(org)
    candidate_on_bare_programme = _candidate_on(org)
    only_retired = _candidate_on(org, retired)
    assert frameworks_for_candidate(candidate_in_no_cohort) == [pcf]
    assert frameworks_for_candidate(candidate_on_bare_programme) == [pcf]
    assert frameworks_for_candidate(only_retired) == [pcf]


def test_element_choices_are_in_tree_order_in_few_queries(app):
    small = make_framework()
    many = [
        {"code": str(n), "title": f"Element {n}", "description": "d", "verified": True}
        for n in range(40)
    ]
    large = make_framework(code="big", elements=many)
    db.session.commit()
    frameworks = [large, small]
    with count_queries() as statements:
        choices = element_choices(frameworks)
    assert len(statements) <= 2
    assert [f for f, _ in choices] == [large, small]
    assert [e.code for e in choices[1][1]] == ["1", "1.1", "2"]
    assert [e.code for e in choices[0][1]] == [str(n) for n in range(40)]
    assert element_choices([]) == []


def test_element_choices_come_from_the_cache_the_second_time(app):
    small = make_framework()
    db.session.commit()
    first = element_choices([small])
    with count_queries() as statements:
        again = element_choices([small])
    assert statements == []
    assert again == first


def test_only_frameworks_not_cached_yet_are_read(app):
    small = make_framework()
    other = make_framework(code="other")
    db.session.commit()
    element_choices([small])
    with count_queries() as statements:
        choices = element_choices([small, other])
    assert len(statements) == 1
    assert [e.code for e in choices[1][1]] == ["1", "1.1", "2"]
    with count_queries() as statements:
        element_choices([other, small])
    assert statements == []


def test_cached_elements_are_frozen_copies(app):
    import dataclasses

    small = make_framework()
    db.session.commit()
    element = element_choices([small])[0][1][0]
    assert element.name == f"{element.code} {element.title}"
    assert element.label == f"{small.code.upper()} {element.code} {element.title}"
    with pytest.raises(dataclasses.FrozenInstanceError):
        element.title = "Changed"


def test_elements_by_id_come_from_the_cache_once_their_framework_is_loaded(app):
    from portal.frameworks import element_cache

    small, other = make_framework(), make_framework(code="kss-adults", version="2015")
    db.session.commit()
    small_ids = [e.id for e in element_choices([small])[0][1]]
    with count_queries() as statements:
        assert [e.id for e in element_cache.elements_by_id(small_ids).values()] != []
    assert statements == []
    other_ids = [e.id for e in element_choices([other])[0][1]]
    element_cache.forget_all()
    with count_queries() as statements:  # neither cached: one lookup, one load
        found = element_cache.elements_by_id([small_ids[0], other_ids[-1]])
    assert len(statements) == 2
    assert {e.id: e.framework_id for e in found.values()} == {
        small_ids[0]: small.id, other_ids[-1]: other.id}
    assert element_cache.elements_by_id([]) == {}
