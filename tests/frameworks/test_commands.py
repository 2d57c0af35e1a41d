"""`flask --app portal frameworks ...` through Flask's CLI runner."""

import pytest
import yaml
from sqlalchemy import func, select

from portal.core.db import db
from portal.frameworks.models import ElementMapping, Framework
from tests.frameworks.helpers import framework_data


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _write(tmp_path, name: str, data) -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return str(path)


def _framework_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Framework.id)))


def test_load_reports_what_it_loaded(runner, tmp_path):
    path = _write(tmp_path, "pcf.yaml", framework_data())
    result = runner.invoke(args=["frameworks", "load", path])
    assert result.exit_code == 0, result.output
    assert "Loaded pcf 2018 (Professional Capabilities Framework): 3 elements, 2 levels" in (
        result.output
    )
    assert _framework_count() == 1


def test_a_bad_file_loads_nothing_and_exits_1(runner, tmp_path):
    good = _write(tmp_path, "good.yaml", framework_data(code="kss"))
    bad = _write(tmp_path, "bad.yaml", framework_data(status="live"))
    result = runner.invoke(args=["frameworks", "load", bad, good])
    assert result.exit_code == 1
    assert f"{bad}: status: must be one of draft, active, retired, not 'live'" in result.stderr
    assert "Loaded kss 2018" in result.stdout
    db.session.expire_all()
    assert db.session.scalars(select(Framework.code)).all() == ["kss"]


def test_loading_the_same_version_again_fails(runner, tmp_path):
    path = _write(tmp_path, "pcf.yaml", framework_data())
    runner.invoke(args=["frameworks", "load", path])
    result = runner.invoke(args=["frameworks", "load", path])
    assert result.exit_code == 1
    assert "pcf 2018 is already loaded" in result.stderr
    assert _framework_count() == 1


def test_load_shipped_is_idempotent_and_list_shows_them(runner):
    first = runner.invoke(args=["frameworks", "load-shipped"])
    assert first.exit_code == 0, first.output
    assert first.output.count("Loaded ") == 4
    again = runner.invoke(args=["frameworks", "load-shipped"])
    assert again.exit_code == 0
    assert "All shipped frameworks are already loaded." in again.output
    assert _framework_count() == 4
    listing = runner.invoke(args=["frameworks", "list"])
    assert listing.exit_code == 0
    assert "pcf" in listing.output and "kss-adults" in listing.output
    assert "Professional Capabilities Framework" in listing.output


def test_list_with_nothing_loaded(runner):
    assert "No frameworks are loaded." in runner.invoke(args=["frameworks", "list"]).output


def test_status_changes_a_version(runner, tmp_path):
    runner.invoke(args=["frameworks", "load", _write(tmp_path, "p.yaml", framework_data())])
    result = runner.invoke(args=["frameworks", "status", "pcf", "2018", "retired"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.scalar(select(Framework.status)) == "retired"
    missing = runner.invoke(args=["frameworks", "status", "pcf", "1999", "active"])
    assert missing.exit_code == 1
    assert "No framework pcf 1999 is loaded." in missing.stderr
    wrong = runner.invoke(args=["frameworks", "status", "pcf", "2018", "gone"])
    assert wrong.exit_code == 2


def test_status_refuses_to_activate_an_unchecked_or_empty_draft(runner, tmp_path):
    runner.invoke(args=["frameworks", "load", _write(
        tmp_path, "p.yaml", framework_data(status="draft"))])
    runner.invoke(args=["frameworks", "load-shipped"])
    unchecked = runner.invoke(args=["frameworks", "status", "pcf", "2018", "active"])
    assert unchecked.exit_code == 1
    assert "Element 1.1 has not been checked" in unchecked.stderr
    empty = runner.invoke(args=["frameworks", "status", "ecs-child-family", "2026", "active"])
    assert empty.exit_code == 1
    assert "no elements yet" in empty.stderr
    db.session.expire_all()
    assert set(db.session.scalars(select(Framework.status).where(
        Framework.code.in_(["pcf", "ecs-child-family"])))) == {"draft"}


def test_map_records_mappings_or_fails_cleanly(runner, tmp_path):
    for version in ("2018", "2026"):
        path = _write(tmp_path, f"pcf-{version}.yaml", framework_data(version=version))
        assert runner.invoke(args=["frameworks", "load", path]).exit_code == 0
    mapping = {
        "from": {"code": "pcf", "version": "2018"},
        "to": {"code": "pcf", "version": "2026"},
        "mappings": [{"from": "1", "to": "1"}, {"from": "2", "to": "2"}],
    }
    path = _write(tmp_path, "map.yaml", mapping)
    result = runner.invoke(args=["frameworks", "map", path])
    assert result.exit_code == 0, result.output
    assert "Recorded 2 element mappings" in result.output
    again = runner.invoke(args=["frameworks", "map", path])
    assert again.exit_code == 1
    assert f"{path}: mappings[0]: '1' -> '1' is already recorded" in again.stderr
    db.session.expire_all()
    assert db.session.scalar(select(func.count(ElementMapping.id))) == 2
