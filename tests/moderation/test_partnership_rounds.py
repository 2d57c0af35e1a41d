"""A moderation round across a teaching partnership: a lead samples another council's
outcomes only while that council shares its external moderation with theirs, and the
moderators read that council's packs only while it still does."""

from datetime import timedelta

import pytest

from portal.core.dates import today_in_england
from portal.core.db import db
from portal.moderation import operations, report
from portal.moderation.errors import ModerationError
from portal.packs.contents import pack_context
from portal.partnerships import operations as partnerships
from portal.partnerships.models import SharedPurpose
from tests import factories
from tests.conftest import page
from tests.moderation.conftest import approve_copy, decided_item, new_round
from tests.packs.conftest import client_for

MODERATION = SharedPurpose.EXTERNAL_MODERATION


@pytest.fixture
def neighbour():
    """Another council with a lead, a panel and an administrator, and two outcomes."""
    org = factories.organisation("Eastvale Council")
    people = {"org": org, "lead": factories.user(org, roles=["programme_lead"]),
              "administrator": factories.user(org, roles=["administrator"]),
              "chair": factories.user(org, roles=["panel_chair", "panel_member"]),
              "members": [factories.user(org, roles=["panel_member"]) for _ in range(2)],
              "assessor": factories.user(org, roles=["assessor"])}
    people["items"] = [decided_item(people) for _ in range(2)]
    # Its own lead approved the anonymised copies it lets a partner moderate.
    for item in people["items"]:
        approve_copy(people["lead"], item)
    db.session.commit()
    return people


@pytest.fixture
def partnership(council, neighbour):
    made = partnerships.create_partnership(None, "Coast", [council["org"].id,
                                                           neighbour["org"].id])
    db.session.commit()
    return made


def _share(neighbour, partnership, council):
    today = today_in_england()
    grant = partnerships.give_grant(neighbour["administrator"], partnership,
                                    partnerships.GrantDetails(council["org"].id, MODERATION,
                                                              today, today + timedelta(days=60)),
                                    today)
    db.session.commit()
    return grant


def test_a_council_is_sampled_only_when_it_shares(app, council, neighbour, partnership):
    with pytest.raises(ModerationError, match="share their external moderation"):
        new_round(council, council_ids=[neighbour["org"].id])
    lead = client_for(app, council["lead"])
    assert "Eastvale Council" not in lead.get("/moderation/rounds/new").text
    _share(neighbour, partnership, council)
    offered = page(lead.get("/moderation/rounds/new")).select("input[name=council_ids]")
    assert [box["value"] for box in offered] == [str(neighbour["org"].id)]
    decided_item(council)
    moderation_round = new_round(council, council_ids=[neighbour["org"].id],
                                 sample_percent=100)
    drawn = operations.draw_sample(council["lead"], moderation_round)
    db.session.commit()
    assert {c.id for c in moderation_round.councils} == {council["org"].id,
                                                         neighbour["org"].id}
    assert {s.agenda_item_id for s in drawn} >= {i.id for i in neighbour["items"]}
    shown = lead.get(f"/moderation/rounds/{moderation_round.id}").text
    assert "Eastvale Council" in shown


def test_withdrawing_ends_the_moderators_reading_at_once(app, council, neighbour, partnership):
    grant = _share(neighbour, partnership, council)
    moderation_round = new_round(council, council_ids=[neighbour["org"].id],
                                 sample_percent=100)
    operations.draw_sample(council["lead"], moderation_round)
    db.session.commit()
    sample = next(s for s in moderation_round.samples
                  if s.agenda_item_id == neighbour["items"][0].id)
    lead = client_for(app, council["lead"])
    sample_url = f"/moderation/rounds/{moderation_round.id}/samples/{sample.id}"
    assert lead.post(sample_url + "/pack").status_code == 303  # built inline after commit
    assert lead.post(sample_url + "/share").status_code == 303
    moderator = client_for(app, council["moderators"][0])
    reference = sample.agenda_item.reference
    assert reference in moderator.get("/moderating/").text
    assert moderator.get(f"/moderating/{sample.id}").status_code == 200
    partnerships.withdraw_grant(neighbour["administrator"], grant)
    db.session.commit()
    assert reference not in moderator.get("/moderating/").text
    assert moderator.get(f"/moderating/{sample.id}").status_code == 404
    assert moderator.post(f"/moderating/{sample.id}/pack").status_code == 404
    assert lead.post(sample_url + "/pack/download").status_code == 404
    assert "no longer shares" in lead.get(f"/moderation/rounds/{moderation_round.id}").text
    with pytest.raises(ModerationError, match="not shared with you"):
        operations.submit_feedback(council["moderators"][0], sample, operations.Judgement(
            evidence={},
            answers=dict.fromkeys(("accurate", "valid", "robust", "sufficient"), (True, "")),
            overall=""), today_in_england())


def test_a_council_that_stops_sharing_is_neither_drawn_nor_counted(app, council, neighbour,
                                                                   partnership):
    grant = _share(neighbour, partnership, council)
    decided_item(council)
    moderation_round = new_round(council, council_ids=[neighbour["org"].id],
                                 sample_percent=100)
    db.session.commit()
    partnerships.withdraw_grant(neighbour["administrator"], grant)
    db.session.commit()
    drawn = operations.draw_sample(council["lead"], moderation_round)
    db.session.commit()
    assert {s.agenda_item_id for s in drawn}.isdisjoint({i.id for i in neighbour["items"]})
    summary = report.summary(moderation_round)
    assert {name: available for name, available, _ in summary.by_employer}[
        "Eastvale Council"] == 0


def test_a_pack_of_another_councils_portfolio_is_the_same_with_or_without_panel_sharing(
        council, neighbour, partnership):
    _share(neighbour, partnership, council)
    item = neighbour["items"][0]
    without = pack_context(item.snapshot, council["lead"], item)
    today = today_in_england()
    partnerships.give_grant(neighbour["administrator"], partnership, partnerships.GrantDetails(
        council["org"].id, SharedPurpose.PANEL_MEMBERSHIP, today, today), today)
    with_panel_sharing = pack_context(item.snapshot, council["lead"], item)
    assert (without["reports"], without["decisions"]) == (None, None)
    assert (with_panel_sharing["reports"], with_panel_sharing["decisions"]) == (None, None)
