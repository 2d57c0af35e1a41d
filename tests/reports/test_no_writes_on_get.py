"""No GET in the Reports section writes anything: walking every GET route, with and
without filters, runs no INSERT, UPDATE or DELETE."""

from datetime import date

from flask import url_for

from portal.core.db import db
from portal.organisations.models import EntryRoute
from tests.conftest import count_queries
from tests.notifications.test_no_writes_on_get import WRITE, _get_routes
from tests.reports.conftest import cohort_of


def test_walking_every_get_route_writes_nothing(app, client, org, lead):
    _cohort, (person,) = cohort_of(org, 1, date(2024, 9, 2), EntryRoute.FRONTLINE)
    db.session.commit()
    routes = _get_routes(app, "workforce") + _get_routes(app, "workforce_people")
    with app.test_request_context():
        urls = [url_for(rule.endpoint, **{name: {"candidate_id": person.id,
                                                 "report": "retention",
                                                 "extension": "csv"}[name]
                                          for name in rule.arguments})
                for rule in routes]
    assert len(urls) == 9
    urls += ["/workforce/progression.xlsx?board=1", "/workforce/retention?entry_route=frontline",
             "/workforce/support", "/workforce/support.xlsx", "/workforce/practice",
             "/workforce/practice.csv"]
    for url in urls:
        with count_queries() as statements:
            assert client.get(url).status_code == 200, url
        assert [s for s in statements if WRITE.match(s)] == [], url
