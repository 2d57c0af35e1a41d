"""Mappings between framework versions: recorded when every code exists, never twice."""

import pytest
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.frameworks.loader import FrameworkFileError, load_mapping, load_mapping_file
from portal.frameworks.models import ElementMapping
from tests.frameworks.helpers import make_framework


@pytest.fixture
def two_versions(app):
    old = make_framework()
    new = make_framework(version="2026")
    return old, new


def _mapping(*rows, to_version="2026"):
    return {
        "from": {"code": "pcf", "version": "2018"},
        "to": {"code": "pcf", "version": to_version},
        "mappings": [dict(row) for row in rows],
    }


def test_a_mapping_is_recorded_and_audited(two_versions):
    old, new = two_versions
    mappings = load_mapping(_mapping({"from": "1", "to": "1", "note": "Same wording."},
                                     {"from": "1.1", "to": "2"}))
    assert [(m.from_element.code, m.to_element.code, m.note) for m in mappings] == [
        ("1", "1", "Same wording."), ("1.1", "2", ""),
    ]
    assert {m.from_element.framework_id for m in mappings} == {old.id}
    assert {m.to_element.framework_id for m in mappings} == {new.id}
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "framework_mapping_loaded")
    )
    assert event.actor_id is None
    assert event.details == {"from_framework_id": old.id, "to_framework_id": new.id,
                             "mappings": 2}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"from": {"code": "pcf", "version": "2018"}}, "missing key 'mappings'"),
        (_mapping({"from": "1", "to": "1"}, to_version="2030"),
         "to: no framework pcf 2030 is loaded"),
        (_mapping({"from": "1", "to": "1"}, to_version="2018"),
         "to: must be a different framework version from 'from'"),
        ({**_mapping(), "mappings": []}, "mappings: must not be empty"),
        (_mapping({"from": "9", "to": "1"}), "mappings[0].from: pcf 2018 has no element '9'"),
        (_mapping({"from": "1", "to": "1"}, {"from": "2", "to": "7"}),
         "mappings[1].to: pcf 2026 has no element '7'"),
        (_mapping({"from": "1", "to": "1"}, {"from": "1", "to": "1"}),
         "mappings[1]: duplicate mapping '1' -> '1' (also at mappings[0])"),
        (_mapping({"from": "1", "to": "1", "reason": "x"}), "mappings[0]: unknown key 'reason'"),
        (_mapping({"from": 1, "to": "1"}),
         'mappings[0].from: must be text, not a number (put it in quotes: "1")'),
        (_mapping({"from": "1", "to": "1", "note": "n" * 501}),
         "mappings[0].note: is 501 characters long; the most allowed is 500"),
    ],
)
def test_a_bad_mapping_is_refused(two_versions, data, message):
    with pytest.raises(FrameworkFileError) as raised:
        load_mapping(data)
    assert str(raised.value) == message
    assert db.session.scalar(select(func.count(ElementMapping.id))) == 0


def test_a_mapping_already_recorded_is_refused(two_versions):
    load_mapping(_mapping({"from": "1", "to": "1"}))
    with pytest.raises(FrameworkFileError) as raised:
        load_mapping(_mapping({"from": "2", "to": "2"}, {"from": "1", "to": "1"}))
    assert str(raised.value) == "mappings[1]: '1' -> '1' is already recorded"
    assert db.session.scalar(select(func.count(ElementMapping.id))) == 1


def test_a_mapping_file_loads(two_versions, tmp_path):
    path = tmp_path / "pcf-2018-to-2026.yaml"
    path.write_text(
        'from: {code: pcf, version: "2018"}\nto: {code: pcf, version: "2026"}\n'
        'mappings:\n  - {from: "1", to: "1", note: Unchanged}\n',
        encoding="utf-8",
    )
    assert len(load_mapping_file(path)) == 1
