"""A review report speaks to whoever reads it: the candidate reads "Your response" and
"Returned to you"; their assessor reads the candidate's name."""

from tests.assessment.reports.test_reports import _start
from tests.conftest import page, sign_in


def test_a_returned_report_names_the_candidate_to_others_and_says_you_to_them(client, people):
    report = _start(client, people)
    client.post(f"/reports/{report.id}/return", data={"requests": "Add a reflection"})
    url = f"/reports/{report.id}"

    assessor_view = page(client.get(url))
    assert assessor_view.find("h2", string="Amara Okafor's response")
    assert "Returned to Amara Okafor" in assessor_view.select_one("main").get_text()

    candidate_client = client.application.test_client()
    sign_in(candidate_client, people["candidate"])
    candidate_view = page(candidate_client.get(url))
    assert candidate_view.find("h2", string="Your response")
    assert "Returned to you" in candidate_view.select_one("main").get_text()
    assert "Returned to the candidate" not in candidate_view.get_text()
