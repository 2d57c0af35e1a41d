"""The ASYE claim list page and its downloads: the council's own people only, the year
chosen in the address (this one by default), no board's copy (it names people), and a
statement count that does not grow with the council."""

import csv
import io
from datetime import date, timedelta

import pytest

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.reports.filters import financial_year_of
from portal.reports.registrations import RegistrationDetails, record_registration
from tests import factories
from tests.conftest import count_queries, page, sign_in
from tests.portfolios.conftest import make_portfolio


def _on_the_asye(org, lead, name: str, number: str | None = "SW12345"):
    person = factories.user(org, roles=["candidate"], name=name)
    make_portfolio(org, candidate=person, start=today_in_england() - timedelta(days=30))
    record_registration(lead, person, RegistrationDetails(
        date(2020, 6, 30), number, today_in_england() - timedelta(days=20)),
        today_in_england())
    db.session.commit()
    return person


def test_the_lead_sees_this_years_claim_with_what_to_check(client, council):
    lead = council["lead"]
    _on_the_asye(council["org"], lead, "Amara Okafor")
    _on_the_asye(council["org"], lead, "Ben Carter", number=None)
    elsewhere = factories.organisation()
    _on_the_asye(elsewhere, factories.user(elsewhere, roles=["programme_lead"]), "Zoe Other")
    sign_in(client, lead)
    shown = page(client.get("/workforce/claims"))
    text = shown.get_text(" ", strip=True)
    year = financial_year_of(today_in_england())
    assert year.label in text
    assert "Amara Okafor" in text and "Ben Carter" in text and "Zoe Other" not in text
    assert shown.select_one("#claims-summary").get_text(strip=True).startswith(
        "2 registrations, 0 completions and 2 people still on the programme")
    assert "No Social Work England number" in text
    assert "Qualified more than 4 years before starting" in text
    assert "board" not in text.lower()


def test_the_csv_lists_the_same_people_and_a_board_copy_is_not_offered(client, council):
    _on_the_asye(council["org"], council["lead"], "Amara Okafor")
    sign_in(client, council["lead"])
    response = client.get("/workforce/claims.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert rows[0][:3] == ["Name", "Programme", "Social Work England number"]
    assert rows[1][0] == "Amara Okafor" and rows[1][2] == "SW12345"
    assert client.get("/workforce/claims.xlsx").status_code == 200
    assert client.get("/workforce/claims.csv?board=1").status_code == 404


def test_an_earlier_year_from_the_address(client, council):
    _on_the_asye(council["org"], council["lead"], "Amara Okafor")
    sign_in(client, council["lead"])
    earlier = financial_year_of(today_in_england() - timedelta(days=800))
    shown = page(client.get(f"/workforce/claims?period={earlier.code}"))
    assert "Amara Okafor" not in shown.get_text()
    assert client.get("/workforce/claims?period=1999-00").status_code == 400


def test_candidates_cannot_read_the_claim_list(client, council):
    person = _on_the_asye(council["org"], council["lead"], "Amara Okafor")
    sign_in(client, person)
    assert client.get("/workforce/claims").status_code in (403, 404)
    assert client.get("/workforce/claims.csv").status_code in (403, 404)


@pytest.mark.parametrize("many", [False, True])
def test_the_page_costs_a_bounded_number_of_statements(client, council, many):
    for number in range(6 if many else 1):
        _on_the_asye(council["org"], council["lead"], f"Person {number}")
    sign_in(client, council["lead"])
    with count_queries() as seen:
        assert client.get("/workforce/claims").status_code == 200
    assert len(seen) <= 10
    # Pinned, so that few and many people cost the same.
    assert len(seen) == 5


def test_a_completion_is_dated_by_the_panel_that_sat_not_the_day_it_was_typed(
        client, council):
    from portal.assessment.reports.operations import pcf_domains
    from portal.panels import agenda, decisions
    from tests.panels.conftest import everyone_present, new_panel, ready_for_panel

    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    sat_on = today_in_england() - timedelta(days=3)
    panel = new_panel(council, portfolio.programme_id, sits_on=sat_on)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    everyone_present(panel, on=sat_on)
    decisions.record_decision(council["chair"], item, item.version, decisions.DecisionDetails(
        code="approved", rationale="Reasons.",
        domain_ids=[d.id for d in pcf_domains(item.portfolio)[:2]]), today_in_england())
    db.session.commit()
    sign_in(client, council["lead"])
    year = financial_year_of(sat_on)
    rows = list(csv.reader(io.StringIO(client.get(
        f"/workforce/claims.csv?period={year.code}").get_data().decode("utf-8-sig"))))
    completed = rows[0].index("Completed the ASYE")
    assert [row[completed] for row in rows[1:]] == [sat_on.isoformat()]


def test_erased_people_are_not_on_the_list(client, council):
    from portal.core.db import utcnow

    person = _on_the_asye(council["org"], council["lead"], "Amara Okafor")
    person.erased_at, person.active, person.password_hash = utcnow(), False, None
    db.session.commit()
    sign_in(client, council["lead"])
    assert "Amara Okafor" not in page(client.get("/workforce/claims")).get_text()
