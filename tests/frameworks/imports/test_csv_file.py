"""Reading a framework from CSV: every problem with its row; a good file becomes a tree."""

import pytest

from portal.frameworks.imports.csv_file import read_framework_csv
from portal.frameworks.loader import FrameworkFileError
from tests.frameworks.imports.files import BAD_CSV, GOOD_CSV


def test_a_good_file_becomes_a_draft_tree():
    values = read_framework_csv(GOOD_CSV)
    assert (values["code"], values["version"], values["status"]) == ("ecs-test", "2026", "draft")
    assert [e["code"] for e in values["elements"]] == ["1", "2"]
    child = values["elements"][0]["children"][0]
    assert (child["code"], child["depth"], child["verified"]) == ("1.1", 1, False)


def test_every_problem_is_listed_with_its_row():
    with pytest.raises(FrameworkFileError) as raised:
        read_framework_csv(BAD_CSV)
    assert raised.value.problems == [
        "row 3, code: duplicate code '1' (also on row 2)",
        "row 4, parent_code: no earlier row has the code '2' (a parent comes before its "
        "elements)",
        "row 5, framework_code: 'ecs-other' is not the 'ecs-test' of row 2; a file holds one "
        "framework version",
        "row 5, title: must not be empty",
        "row 5, verified: must be yes or no, not 'maybe'",
    ]


@pytest.mark.parametrize(("text", "problem"), [
    ("code,title\n1,One\n", "row 1: the first row must name the columns; missing "
                            "framework_code, framework_version"),
    ("framework_code,framework_version,code,title,colour\n", "row 1: unknown column 'colour'"),
    ("framework_code,framework_version,code,title\n", "the file has no elements in it"),
    ("framework_code,framework_version,code,title\nx,1,1," + "t" * 301 + "\n",
     "row 2, title: is 301 characters long; the most allowed is 300"),
    ("framework_code,framework_version,code,title\nx,1,1,One\x00\n",
     "row 2, title: has a hidden null character; remove it"),
    ("framework_code,framework_version,code,title,verified\n"
     "x,1,1,Seven (title not confirmed),yes\n",
     "row 2, verified: a placeholder title cannot be verified"),
    ("framework_code,framework_version,code,title\n,,1,One\n",
     "row 2, framework_code: must not be empty"),
])
def test_a_bad_file_is_refused(text, problem):
    with pytest.raises(FrameworkFileError) as raised:
        read_framework_csv(text)
    assert problem in raised.value.problems
