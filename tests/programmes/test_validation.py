"""A programme, from a template file or built on the pages, is checked whole: a review month
beyond its length, a negative minimum, duplicate codes and an unknown or inactive framework
are each refused with the row and the reason, and nothing is half-saved (issue 22)."""

import copy

import pytest
import yaml
from sqlalchemy import func, select

from portal.core.db import db
from portal.frameworks.loader import find_framework, read_yaml_file
from portal.programmes.models import Programme, ProgrammeStage
from portal.programmes.templates import (
    ProgrammeTemplateError,
    configure_programme,
    install_template,
    shipped_templates,
    with_default_decision_codes,
)
from portal.programmes.validation import problems


@pytest.fixture
def template(frameworks) -> dict:
    return with_default_decision_codes(copy.deepcopy(shipped_templates()["asye-child-family"]))


def _places(data) -> dict[str, str]:
    return {p.place: p.reason for p in problems(data)}


def test_every_shipped_template_is_valid(frameworks):
    for code, data in shipped_templates().items():
        assert problems(with_default_decision_codes(data)) == [], code


def test_the_ecdp_template_is_two_years_and_provisional(org, frameworks):
    programme = install_template(org, "ecdp-child-family")
    assert programme.duration_months == 24
    assert [p.due_month for p in programme.review_points] == [0, 3, 6, 12, 18, 24, 24]
    assert [p.code for p in programme.review_points if p.is_final] == ["final"]
    assert programme.review_points[-1].due_month == 24
    assert programme.provisional_note.startswith("Provisional: check against the Department "
                                                 "for Education's programme guidance")
    assert programme.decision_codes[0].code == "approved"


def test_a_review_month_beyond_the_length_is_refused_with_its_row(template):
    template["review_points"][2]["due_month"] = 13
    assert _places(template) == {
        "review_points[2].due_month": "month 13 is beyond the programme's length (12 months)"}


def test_a_negative_minimum_is_refused_with_its_row(template):
    template["components"][3]["min_count"] = -1
    assert _places(template) == {
        "components[3].min_count": "the minimum cannot be negative (-1)"}


@pytest.mark.parametrize("part", ["stages", "review_points", "components", "decision_codes"])
def test_duplicate_codes_are_refused_with_both_rows(template, part):
    template[part][1]["code"] = template[part][0]["code"]
    found = _places(template)
    assert found[f"{part}[0].code"].startswith("duplicate code")
    assert found[f"{part}[1].code"].startswith("duplicate code")


def test_an_unknown_framework_is_refused(template):
    template["frameworks"].append({"code": "made-up", "version": "2030"})
    assert _places(template) == {"frameworks[2]": "unknown framework made-up 2030"}


def test_a_framework_that_is_not_active_is_refused(template):
    find_framework("pcf", "2018").status = "retired"
    assert _places(template) == {"frameworks[0]": "pcf 2018 is not active (it is retired)"}


def test_every_problem_is_reported_at_once(template):
    template["review_points"][0]["due_month"] = 40
    template["components"][0]["min_count"] = -2
    template["decision_codes"][1]["code"] = template["decision_codes"][0]["code"]
    assert len(problems(template)) == 4  # the month, the minimum, the two duplicate rows


def test_a_bad_template_file_installs_nothing(org, template, tmp_path):
    template["review_points"][1]["due_month"] = 99
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(template))
    bare = Programme(organisation_id=org.id, code="bare", name="Bare", kind="asye",
                     duration_months=12)
    db.session.add(bare)
    db.session.flush()
    with pytest.raises(ProgrammeTemplateError) as refused:
        configure_programme(bare, read_yaml_file(path))
    assert [p.place for p in refused.value.problems] == ["review_points[1].due_month"]
    assert "review_points[1].due_month" in str(refused.value)
    assert db.session.scalar(select(func.count()).select_from(ProgrammeStage).where(
        ProgrammeStage.programme_id == bare.id)) == 0


def test_a_template_that_is_not_a_mapping_is_refused():
    assert [p.place for p in problems(["not", "a", "mapping"])] == ["programme"]
