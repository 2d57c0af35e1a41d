"""The lead's moderation pages, the moderator's pages and the chair's internal moderation:
who may open what (404 otherwise), CSRF on every POST, clear errors, the report downloads."""

import io
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.moderation import operations
from portal.moderation.models import ModerationRound, ModeratorFeedback
from tests import factories
from tests.conftest import error_summary, page
from tests.moderation.conftest import approve_copy, decided_item, new_round
from tests.packs.conftest import client_for


def _as_date(day) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _round_url(moderation_round) -> str:
    return f"/moderation/rounds/{moderation_round.id}"


def _feedback_form() -> dict:
    return {"evidence": ["observations", "final_report"], "accurate": "yes", "valid": "yes",
            "robust": "no", "robust_comment": "One observation is unsigned.",
            "sufficient": "yes", "overall": "A sound judgement."}


@pytest.fixture
def shared(app, council):
    """Two decided portfolios both sampled (100%); the lead approved the anonymised copy of
    the first, then built and shared its pack through the pages."""
    items = [decided_item(council) for _ in range(2)]
    approve_copy(council["lead"], items[0])
    moderation_round = new_round(council, sample_percent=100)
    operations.draw_sample(council["lead"], moderation_round)
    db.session.commit()
    lead = client_for(app, council["lead"])
    first, second = moderation_round.samples
    sample_url = f"{_round_url(moderation_round)}/samples/{first.id}"
    assert lead.post(sample_url + "/pack").status_code == 303  # built inline after commit
    assert lead.post(sample_url + "/share").status_code == 303
    db.session.expire_all()
    assert first.pack_id is not None and second.pack_id is None
    return {"round": moderation_round, "first": first, "second": second, "lead": lead}


def test_the_lead_defines_a_round_and_sees_errors_with_what_was_typed(app, council):
    lead = client_for(app, council["lead"])
    form = page(lead.get("/moderation/rounds/new"))
    assert form.find("input", {"name": "sample_percent"})["value"] == "10"
    today = today_in_england()
    data = {"title": "Round one", "period_start": _as_date(today),
            "period_end": _as_date(today - timedelta(days=1)), "sample_percent": "10",
            "moderator_ids": [str(council["moderators"][0].id)],
            "access_ends_on": _as_date(today + timedelta(days=7))}
    refused = lead.post("/moderation/rounds/new", data=data)
    assert refused.status_code == 400
    assert error_summary(page(refused)) == ["The period must end on or after its start"]
    assert page(refused).find("input", {"name": "title"})["value"] == "Round one"
    data["period_end"] = _as_date(today)
    assert lead.post("/moderation/rounds/new", data=data).status_code == 303
    assert db.session.scalar(select(func.count(ModerationRound.id))) == 1


def test_the_lead_draws_the_sample_and_sees_its_seed(app, council):
    decided_item(council)
    moderation_round = new_round(council)
    db.session.commit()
    lead = client_for(app, council["lead"])
    assert lead.post(_round_url(moderation_round) + "/sample").status_code == 303
    db.session.expire_all()
    assert str(moderation_round.seed) in lead.get(_round_url(moderation_round)).text


def test_another_councils_round_is_404(app, council):
    moderation_round = new_round(council)
    db.session.commit()
    other_org = factories.organisation()
    other_lead = factories.user(other_org, roles=["programme_lead"])
    other = client_for(app, other_lead)
    for url in ("", "/report.csv", "/report.pdf"):
        assert other.get(_round_url(moderation_round) + url).status_code == 404
    assert other.post(_round_url(moderation_round) + "/sample").status_code == 404


def test_every_post_needs_the_csrf_token(app, council, shared):
    base = _round_url(shared["round"])
    sample = f"{base}/samples/{shared['second'].id}"
    for url in (base + "/sample", base + "/action-plan", sample + "/pack", sample + "/share"):
        assert shared["lead"].post(url, csrf=False).status_code == 400, url
    moderator = client_for(app, council["moderators"][0])
    mine = f"/moderating/{shared['first'].id}"
    assert moderator.post(mine + "/pack", csrf=False).status_code == 400
    assert moderator.post(mine, data=_feedback_form(), csrf=False).status_code == 400


def test_the_moderator_sees_only_the_shared_pack_and_every_opening_is_audited(
        app, council, shared):
    moderator = client_for(app, council["moderators"][0])
    listed = moderator.get("/moderating/").text
    assert shared["first"].agenda_item.reference in listed
    assert shared["second"].agenda_item.reference not in listed
    assert moderator.get(f"/moderating/{shared['second'].id}").status_code == 404
    opened = moderator.post(f"/moderating/{shared['first'].id}/pack")
    assert opened.status_code == 200 and opened.data.startswith(b"%PDF")
    assert shared["first"].agenda_item.portfolio.candidate.name not in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(opened.data)).pages)
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "moderation_sample.pack_opened")) == 1
    # A moderator the round does not name sees nothing of it.
    other = client_for(app, council["moderators"][1])
    assert other.get(f"/moderating/{shared['first'].id}").status_code == 404
    assert other.post(f"/moderating/{shared['first'].id}/pack").status_code == 404


def test_the_moderator_fills_the_template_once(app, council, shared):
    moderator = client_for(app, council["moderators"][0])
    url = f"/moderating/{shared['first'].id}"
    missing = moderator.post(url, data={"accurate": "yes"})
    assert missing.status_code == 400
    assert "Select whether the judgement is valid" in error_summary(page(missing))
    assert moderator.post(url, data=_feedback_form()).status_code == 303
    feedback = db.session.scalar(select(ModeratorFeedback))
    assert (feedback.robust, feedback.robust_comment) == (False, "One observation is unsigned.")
    assert feedback.evidence["observations"] and not feedback.evidence["support"]
    assert "One observation is unsigned." in shared["lead"].get(
        _round_url(shared["round"])).text


def test_after_access_ends_every_moderator_address_is_404(app, council, shared):
    moderator = client_for(app, council["moderators"][0])
    url = f"/moderating/{shared['first'].id}"
    assert moderator.get(url).status_code == 200
    shared["round"].access_ends_on = today_in_england() - timedelta(days=1)
    db.session.commit()
    assert moderator.get(url).status_code == 404
    assert moderator.post(url + "/pack").status_code == 404
    assert moderator.post(url, data=_feedback_form()).status_code == 404
    assert shared["first"].agenda_item.reference not in moderator.get("/moderating/").text


def test_the_summary_report_downloads_as_csv_and_pdf(app, council, shared):
    answers = dict.fromkeys(("accurate", "valid", "robust", "sufficient"), (True, ""))
    operations.submit_feedback(council["moderators"][0], shared["first"],
                               operations.Judgement({}, answers, "Sound."), today_in_england())
    shared["round"].action_plan = "Train assessors on direct observations."
    db.session.commit()
    base = _round_url(shared["round"])
    csv_text = shared["lead"].get(base + "/report.csv").data.decode("utf-8-sig")
    assert "NQSWs by employer," + council["org"].name + ",2,2" in csv_text
    assert "Outcomes,Approved,2,2" in csv_text
    assert "Ruth Ellis" in csv_text and "Train assessors" in csv_text
    pdf = shared["lead"].get(base + "/report.pdf")
    assert pdf.data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Train assessors on direct observations." in text and "Ruth Ellis" in text


def test_the_chair_records_internal_moderation_on_a_decided_item(app, council):
    item = decided_item(council)
    db.session.commit()
    url = f"/panels/{item.panel_id}/items/{item.id}/moderation"
    chair = client_for(app, council["chair"])
    assert chair.post(url, data={}).status_code == 400
    assert chair.post(url, data={"confirms": "no", "notes": "Borderline."}).status_code == 303
    assert "Borderline." in chair.get(url).text
    member = client_for(app, council["members"][0])
    assert member.get(url).status_code in (403, 404)
    lead = client_for(app, council["lead"])
    table = page(lead.get("/moderation/consistency")).find("table").get_text(" ")
    assert "Helen Shaw" in table


def test_a_pack_needs_an_approved_anonymised_copy_first(app, council):
    item = decided_item(council)
    moderation_round = new_round(council, sample_percent=100)
    operations.draw_sample(council["lead"], moderation_round)
    db.session.commit()
    lead = client_for(app, council["lead"])
    shown = page(lead.get(_round_url(moderation_round)))
    link = shown.select_one("a[href$='/anonymised-copy']")
    assert "Review the anonymised copy" in link.get_text()
    assert link["href"] == (f"/portfolios/{item.portfolio_id}/snapshots/{item.snapshot_id}"
                            "/anonymised-copy")
    assert "Prepare anonymised pack" not in shown.get_text()
    sample = moderation_round.samples[0]
    refused = lead.post(f"{_round_url(moderation_round)}/samples/{sample.id}/pack",
                        follow_redirects=True)
    assert "must approve an anonymised copy" in refused.text
    approve_copy(council["lead"], item)
    db.session.commit()
    shown = page(lead.get(_round_url(moderation_round)))
    assert "Approved: every replacement reviewed" in shown.get_text()
    assert "Prepare anonymised pack" in shown.get_text()
