"""The workforce board's one-page summary (PDF): the progression, retention and support
tables as a board's copy, for the filters in the address."""

import io

from pypdf import PdfReader

from portal.accounts.roles import Role
from tests import factories
from tests.conftest import sign_in
from tests.reports.test_retention_report import council  # noqa: F401 (a fixture)


def _text(response) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(response.data))
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages)


def test_the_lead_downloads_a_one_page_summary_with_small_counts_hidden(
        client, lead, council):  # noqa: F811 (the fixture imported above)
    response = client.get("/workforce/board-summary.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    pages, text = _text(response)
    assert pages == 1
    for heading in ("Workforce board summary", "Panel outcomes by programme and cohort",
                    "Still in post by entry route and cohort",
                    "Support below the ASYE expectation by cohort"):
        assert heading in text
    assert "All programmes, cohorts, entry routes, teams and years." in text
    assert "fewer than 5" in text  # 4 and 3 people per cohort are too few to show


def test_the_summary_follows_the_filters(client, lead, council):  # noqa: F811
    _pages, text = _text(client.get("/workforce/board-summary.pdf?entry_route=step_up"))
    assert "entry route: Step Up to Social Work." in text
    assert "University 2024" not in text


def test_a_bad_filter_is_an_error_not_a_crash(client, lead, council):  # noqa: F811
    assert client.get("/workforce/board-summary.pdf?cohort=999999").status_code == 400


def test_the_report_pages_link_to_the_summary_for_their_filters(client, lead, council):  # noqa: F811
    text = client.get("/workforce/retention?entry_route=step_up").get_data(as_text=True)
    assert "/workforce/board-summary.pdf?entry_route=step_up" in text


def test_only_leads_and_administrators(client, org):
    sign_in(client, factories.user(org, roles=(Role.ASSESSOR,)))
    assert client.get("/workforce/board-summary.pdf").status_code == 403
