"""The frameworks that ship with the portal all load, with the expected shape."""

from datetime import date

from sqlalchemy import func, select

from portal.core.db import db
from portal.frameworks.loader import read_yaml_file, validate_framework
from portal.frameworks.models import Framework
from portal.frameworks.queries import load_shipped_frameworks, shipped_framework_files

EXPECTED = {
    ("pcf", "2018"): (9, 11),
    ("kss-child-family", "2018"): (10, 0),
    ("kss-adults", "2015"): (11, 0),
    ("ecs-child-family", "2026"): (0, 0),
}


def test_every_shipped_file_is_valid():
    files = shipped_framework_files()
    assert [f.name for f in files] == [
        "ecs-child-family-2026.yaml", "kss-adults-2015.yaml", "kss-child-family-2018.yaml",
        "pcf-2018.yaml",
    ]
    for path in files:
        validate_framework(read_yaml_file(path))


def test_the_shipped_frameworks_load_once(app):
    loaded = load_shipped_frameworks()
    db.session.commit()
    shapes = {(f.code, f.version): (len(f.elements), len(f.levels)) for f in loaded}
    assert shapes == EXPECTED
    assert {f.code for f in loaded if f.status != "active"} == {"ecs-child-family"}
    assert load_shipped_frameworks() == []
    assert db.session.scalar(select(func.count(Framework.id))) == 4


def test_the_early_career_standards_ship_as_a_place_only(app):
    """The Department's wording is not invented: a draft with its dates and no elements."""
    load_shipped_frameworks()
    standards = db.session.scalar(
        select(Framework).where(Framework.code == "ecs-child-family"))
    assert (standards.status, standards.publisher) == ("draft", "Department for Education")
    assert (standards.published_on, standards.applies_from) == (
        date(2026, 2, 18), date(2027, 4, 1))
    assert standards.elements == []


def test_unverified_titles_stay_marked(app):
    load_shipped_frameworks()
    pcf = db.session.scalar(select(Framework).where(Framework.code == "pcf"))
    assert {e.code for e in pcf.elements if not e.verified} == {"3", "4", "7"}
