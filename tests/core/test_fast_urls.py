"""fast_url_for gives exactly Flask's URL, and falls back wherever it cannot."""

import pytest
from flask import url_for
from werkzeug.routing import BuildError

from portal.core.urls import MAX_DATABASE_ID, fast_url_for

CASES = [
    ("evidence.show", {"entry_id": 42}),
    ("evidence.show", {"entry_id": 0}),
    ("portfolios.snapshot", {"portfolio_id": 7, "snapshot_id": 123456789}),
    ("panels.item", {"panel_id": 3, "item_id": 9}),
    ("evidence.index", {}),
    ("evidence.index", {"page": 3}),  # not in the rule: a query string
    ("assess.index", {"sort": "candidate", "page": 2}),  # text: Flask's own
    ("evidence.show", {"entry_id": 5, "_anchor": "feedback"}),
    ("evidence.show", {"entry_id": True}),
]


@pytest.mark.parametrize(("endpoint", "values"), CASES)
def test_the_same_url_as_flask(app, endpoint, values):
    with app.test_request_context("/"):
        assert fast_url_for(endpoint, **values) == url_for(endpoint, **values)
        # Twice: the second answer comes from the remembered shape.
        assert fast_url_for(endpoint, **values) == url_for(endpoint, **values)


def test_a_script_root_is_kept(app):
    with app.test_request_context("/", base_url="http://localhost/portal/"):
        assert fast_url_for("evidence.show", entry_id=8) == "/portal/evidence/8"
    with app.test_request_context("/"):
        assert fast_url_for("evidence.show", entry_id=8) == "/evidence/8"


def test_values_out_of_range_are_left_to_flask(app):
    with app.test_request_context("/"):
        for odd in (-1, MAX_DATABASE_ID + 1):
            assert fast_url_for("evidence.show", entry_id=odd) == url_for(
                "evidence.show", entry_id=odd)


def test_an_unknown_endpoint_fails_as_flask_does(app):
    with app.test_request_context("/"), pytest.raises(BuildError):
        fast_url_for("evidence.nowhere", entry_id=1)


def test_templates_use_it(app):
    assert app.jinja_env.globals["url_for"] is fast_url_for


def test_the_shape_is_built_once_per_endpoint(app):
    from portal.core.urls import _url_shape

    with app.test_request_context("/"):
        fast_url_for("reports.show", report_id=1)
        hits = _url_shape.cache_info().hits
        urls = [fast_url_for("reports.show", report_id=n) for n in range(2, 12)]
    assert _url_shape.cache_info().hits == hits + 10
    assert urls[0] == "/reports/2"


def test_each_app_keeps_its_own_url_shapes(app):
    """Two apps in one process (tests, tools) may route differently."""
    from flask import Flask

    other = Flask("other")
    other.add_url_rule("/elsewhere/<int:entry_id>", "evidence.show", lambda entry_id: "")
    with app.test_request_context("/"):
        assert fast_url_for("evidence.show", entry_id=3) == "/evidence/3"
    with other.test_request_context("/"):
        assert fast_url_for("evidence.show", entry_id=3) == "/elsewhere/3"


@pytest.mark.parametrize(("endpoint", "arg", "fixed", "values"), [
    ("evidence.show", "entry_id", {}, [0, 42, MAX_DATABASE_ID]),
    ("portfolios.exclude", "item_id", {"portfolio_id": 7}, [1, 123456789]),
    ("cohorts.remove_candidate", "membership_id", {"cohort_id": 3}, [9]),
    ("evidence.show", "entry_id", {}, [True, -1, "5"]),  # not ids: Flask's own answer
])
def test_an_id_url_maker_gives_flasks_urls(app, endpoint, arg, fixed, values):
    from portal.core.urls import id_url_maker

    with app.test_request_context("/"):
        url = id_url_maker(endpoint, arg, **fixed)
        for value in values:
            try:
                expected = url_for(endpoint, **fixed, **{arg: value})
            except BuildError:
                with pytest.raises(BuildError):
                    url(value)
            else:
                assert url(value) == expected
