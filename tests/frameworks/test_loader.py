"""The framework loader refuses every malformed file with a message naming the place."""

import copy

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.loader import (
    FrameworkFileError,
    load_framework,
    load_framework_file,
    set_framework_status,
)
from portal.frameworks.models import Framework, FrameworkElement
from tests.frameworks.helpers import MINIMAL, make_framework


def _changed(change) -> dict:
    data = copy.deepcopy(MINIMAL)
    change(data)
    return data


def _set(path, value):
    """A change that sets data[path...] = value (path items are keys or list indexes)."""

    def change(data):
        target = data
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value

    return change


def _delete(path):
    def change(data):
        target = data
        for step in path[:-1]:
            target = target[step]
        del target[path[-1]]

    return change


MALFORMED = [
    ("unknown top key", _set(["colour"], "blue"), "unknown key 'colour'"),
    ("missing title", _delete(["title"]), "missing key 'title'"),
    ("missing status", _delete(["status"]), "missing key 'status'"),
    ("version a number", _set(["version"], 2018), 'version: must be text, not a number '
     '(put it in quotes: "2018")'),
    ("empty title", _set(["title"], "   "), "title: must not be empty"),
    ("bad status", _set(["status"], "live"),
     "status: must be one of draft, active, retired, not 'live'"),
    ("code too long", _set(["code"], "x" * 61),
     "code: is 61 characters long; the most allowed is 60"),
    ("version too long", _set(["version"], "v" * 31),
     "version: is 31 characters long; the most allowed is 30"),
    ("elements not a list", _set(["elements"], {"code": "1"}),
     "elements: must be a list, not a mapping"),
    ("elements empty", _set(["elements"], []), "elements: must not be empty"),
    ("element not a mapping", _set(["elements", 1], "Values"),
     "elements[1]: must be a mapping, not str"),
    ("element unknown key", _set(["elements", 1, "colour"], "red"),
     "elements[1]: unknown key 'colour'"),
    ("element missing verified", _delete(["elements", 1, "verified"]),
     "elements[1]: missing key 'verified'"),
    ("element verified not bool", _set(["elements", 1, "verified"], "yes"),
     "elements[1].verified: must be true or false, not str"),
    ("element code a number", _set(["elements", 1, "code"], 2),
     'elements[1].code: must be text, not a number (put it in quotes: "2")'),
    ("element empty description", _set(["elements", 1, "description"], ""),
     "elements[1].description: must not be empty"),
    ("element title too long", _set(["elements", 1, "title"], "t" * 301),
     "elements[1].title: is 301 characters long; the most allowed is 300"),
    ("element group too long", _set(["elements", 1, "group"], "g" * 61),
     "elements[1].group: is 61 characters long; the most allowed is 60"),
    ("duplicate element code", _set(["elements", 1, "code"], "1"),
     "elements[1].code: duplicate code '1' (also at elements[0])"),
    ("duplicate code across the tree", _set(["elements", 1, "code"], "1.1"),
     "elements[1].code: duplicate code '1.1' (also at elements[0].children[0])"),
    ("children not a list", _set(["elements", 0, "children"], "1.1"),
     "elements[0].children: must be a list, not str"),
    ("child missing title", _delete(["elements", 0, "children", 0, "title"]),
     "elements[0].children[0]: missing key 'title'"),
    ("levels not a list", _set(["levels"], "asye"), "levels: must be a list, not str"),
    ("level unknown key", _set(["levels", 0, "verified"], True),
     "levels[0]: unknown key 'verified'"),
    ("duplicate level code", _set(["levels", 1, "code"], "asye"),
     "levels[1].code: duplicate code 'asye' (also at levels[0])"),
]


@pytest.mark.parametrize(
    ("change", "message"), [pytest.param(c, m, id=name) for name, c, m in MALFORMED]
)
def test_a_malformed_framework_is_refused_with_its_place(app, change, message):
    with pytest.raises(FrameworkFileError) as raised:
        load_framework(_changed(change))
    assert str(raised.value) == message
    assert db.session.scalar(select(func.count(Framework.id))) == 0


def test_a_file_that_is_not_a_mapping_is_refused(app):
    with pytest.raises(FrameworkFileError, match="must be a mapping, not a list"):
        load_framework(["pcf"])


def test_a_framework_loads_as_an_ordered_tree(app):
    framework = make_framework()
    elements = framework.elements
    assert [(e.code, e.position, e.depth) for e in elements] == [
        ("1", 0, 0), ("1.1", 1, 1), ("2", 2, 0),
    ]
    assert elements[1].parent_id == elements[0].id
    assert elements[0].parent_id is None
    # A child without its own group is in its parent's group.
    assert [e.group_name for e in elements] == ["Impact", "Impact", "Purpose"]
    assert [e.verified for e in elements] == [True, False, True]
    assert [(lv.code, lv.position) for lv in framework.levels] == [
        ("asye", 0), ("social-worker", 1),
    ]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "framework_loaded"))
    assert event.actor_id is None
    assert event.object_id == framework.id
    assert event.details["elements"] == 3


def test_the_same_version_is_refused_and_a_new_version_loads_beside_it(app):
    first = make_framework()
    with pytest.raises(FrameworkFileError) as raised:
        make_framework()
    assert str(raised.value) == (
        "pcf 2018 is already loaded; load a new version with a different version string"
    )
    second = make_framework(version="2026", title="Professional Capabilities Framework 2026")
    db.session.commit()
    assert {(f.code, f.version) for f in db.session.scalars(select(Framework))} == {
        ("pcf", "2018"), ("pcf", "2026"),
    }
    assert first.id != second.id
    assert db.session.scalar(
        select(func.count(FrameworkElement.id)).where(FrameworkElement.framework_id == first.id)
    ) == 3


def test_a_yaml_syntax_error_names_the_line(app, tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text('code: pcf\nversion: "2018\ntitle: x\n', encoding="utf-8")
    with pytest.raises(FrameworkFileError, match=r"^YAML syntax error at line \d+, column \d+"):
        load_framework_file(path)


def test_a_key_given_twice_is_refused(app, tmp_path):
    path = tmp_path / "twice.yaml"
    path.write_text("code: pcf\ncode: kss\n", encoding="utf-8")
    with pytest.raises(FrameworkFileError, match="line 2: the key 'code' is given twice"):
        load_framework_file(path)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "the file is empty"), ("- pcf\n", "the file must hold a mapping")],
)
def test_empty_or_list_files_are_refused(app, tmp_path, text, message):
    path = tmp_path / "odd.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FrameworkFileError, match=message):
        load_framework_file(path)


def test_a_missing_file_is_refused(app, tmp_path):
    with pytest.raises(FrameworkFileError, match="cannot read the file"):
        load_framework_file(tmp_path / "nowhere.yaml")


def test_status_changes_are_audited(app):
    framework = make_framework()
    set_framework_status(framework, "retired")
    assert framework.status == "retired"
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "framework_status_changed")
    )
    assert event.details == {"previous": "active", "status": "retired"}
    with pytest.raises(FrameworkFileError, match="status: must be one of"):
        set_framework_status(framework, "gone")



def test_every_problem_of_a_framework_file_is_reported(app):
    """A person fixes a file in one go: each problem is listed with its place."""
    data = _changed(lambda d: None)
    data["elements"][0]["title"] = ""
    data["elements"][1]["code"] = "1"
    data["elements"][1]["verified"] = "yes"
    del data["publisher"]
    with pytest.raises(FrameworkFileError) as raised:
        load_framework(data)
    assert raised.value.problems == [
        "missing key 'publisher'",
        "elements[0].title: must not be empty",
        "elements[1].code: duplicate code '1' (also at elements[0])",
        "elements[1].verified: must be true or false, not str",
    ]


def test_only_a_draft_may_have_no_elements(app):
    with pytest.raises(FrameworkFileError, match="elements: must not be empty"):
        load_framework(_changed(lambda d: d.update(elements=[])))
    draft = load_framework(_changed(lambda d: d.update(elements=[], status="draft")))
    assert draft.elements == []
