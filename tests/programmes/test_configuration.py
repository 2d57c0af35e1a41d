"""The per-process programme configuration cache: read once, replaced on every change."""

import dataclasses

import pytest

from portal.core.db import db
from portal.programmes import configuration as config_cache
from portal.programmes.configuration import configuration
from portal.programmes.operations import update_settings
from portal.programmes.templates import install_template
from tests import factories
from tests.conftest import count_queries


@pytest.fixture
def programme(org):
    from portal.frameworks.queries import load_shipped_frameworks

    load_shipped_frameworks()
    installed = install_template(org, "asye-child-family")
    db.session.commit()
    return installed


def test_configuration_matches_the_programme_rows(programme):
    config = configuration(programme)
    assert [s.code for s in config.stages] == [s.code for s in programme.stages]
    assert [p.code for p in config.review_points] == [p.code for p in programme.review_points]
    assert [(c.code, c.min_count) for c in config.components] == [
        (c.code, c.min_count) for c in programme.components]
    assert {c.code for c in config.evidence_sections} == {
        c.code for c in programme.components if c.source == "evidence"}
    assert config.review_point(programme.review_points[0].code).title == \
        programme.review_points[0].title
    assert config.review_point("no-such-point") is None


def test_a_second_read_costs_no_query(programme):
    configuration(programme)
    with count_queries() as statements:
        again = configuration(programme)
    assert statements == []
    assert again is configuration(programme)


def test_cached_values_cannot_be_changed_in_place(programme):
    stage = configuration(programme).stages[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        stage.title = "Changed"


def test_a_settings_change_is_seen_on_the_next_read(programme):
    """Another process holds the old key; the change replaces the key, so every process
    reads the new configuration on its next request."""
    before = configuration(programme)
    old_key = programme.config_key
    component = programme.components[0]
    lead = factories.user(programme.organisation, roles=["programme_lead"])
    update_settings(lead, programme, {component.id: component.min_count + 2}, {})
    db.session.commit()
    assert programme.config_key != old_key
    after = configuration(programme)
    assert after.components[0].min_count == before.components[0].min_count + 2


def test_no_change_keeps_the_key(programme):
    old_key = programme.config_key
    lead = factories.user(programme.organisation, roles=["programme_lead"])
    assert update_settings(lead, programme, {}, {}) == []
    assert programme.config_key == old_key


def test_the_cache_is_bounded(programme, monkeypatch):
    monkeypatch.setattr(config_cache, "MAX_CACHED", 1)
    configuration(programme)
    other = install_template(programme.organisation, "asye-adults")
    db.session.commit()
    configuration(other)
    assert len(config_cache._cache) == 1
    assert (other.id, other.config_key) in config_cache._cache


def test_configuring_an_empty_programme_replaces_its_key(org):
    """A page may have cached the empty configuration of a programme created bare."""
    from portal.frameworks.queries import load_shipped_frameworks
    from portal.programmes.models import Programme
    from portal.programmes.templates import configure_programme, shipped_templates

    load_shipped_frameworks()
    bare = Programme(organisation_id=org.id, code="bare", name="Bare", kind="asye",
                     duration_months=12)
    db.session.add(bare)
    db.session.commit()
    assert configuration(bare).stages == ()
    configure_programme(bare, shipped_templates()["asye-child-family"])
    db.session.commit()
    assert len(configuration(bare).stages) == len(bare.stages) > 0
