"""Moderation's operations: each refuses what it must and writes an audit row."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.audit import AuditEvent
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.data_protection import erasure, retention
from portal.moderation import operations, queries
from portal.moderation.errors import ModerationError
from portal.moderation.models import ModerationRound, ModerationSample
from portal.packs.models import PackState
from portal.panels import agenda, decisions
from tests import factories
from tests.moderation.conftest import approve_copy, decided_item, new_round
from tests.panels.conftest import approval, everyone_present, new_panel, ready_for_panel
from tests.races import postgres_only, run_at_once


def _actions() -> list[str]:
    return db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _judgement(**answers) -> operations.Judgement:
    return operations.Judgement(
        evidence={"observations": True},
        answers={code: (answers.get(code, True), "") for code in
                 ("accurate", "valid", "robust", "sufficient")},
        overall="A careful judgement.")


def test_a_round_needs_moderators_with_the_role(council):
    assessor_id = council["assessor"].id
    with pytest.raises(ModerationError, match="external moderator"):
        new_round(council, moderator_ids=[assessor_id])
    with pytest.raises(ModerationError, match="external moderator"):
        new_round(council, moderator_ids=[])


def test_a_moderator_of_another_council_cannot_be_chosen(council):
    other = factories.user(factories.organisation(), roles=["external_moderator"])
    with pytest.raises(ModerationError):
        new_round(council, moderator_ids=[other.id])


def test_the_sample_records_its_seed_and_the_seed_redraws_it(council):
    items = [decided_item(council) for _ in range(12)] + [decided_item(council, "deferred")]
    first = new_round(council)
    drawn = [s.agenda_item_id for s in operations.draw_sample(council["lead"], first)]
    assert first.seed is not None and first.sampled
    assert len(drawn) == 3  # 2 of 12 approved (rounded up), 1 of 1 deferred
    assert set(drawn) <= {item.id for item in items}
    again = new_round(council)
    redrawn = operations.draw_sample(council["lead"], again, seed=first.seed)
    assert [s.agenda_item_id for s in redrawn] == drawn
    assert "moderation_round.sampled" in _actions()


def test_a_sample_is_drawn_once(council):
    decided_item(council)
    moderation_round = new_round(council)
    operations.draw_sample(council["lead"], moderation_round)
    with pytest.raises(ModerationError, match="already been drawn"):
        operations.draw_sample(council["lead"], moderation_round)


def test_only_decisions_in_the_period_and_the_council_are_sampled(council):
    decided_item(council)
    today = today_in_england()
    moderation_round = new_round(council, period_start=today - timedelta(days=60),
                                 period_end=today - timedelta(days=1))
    assert queries.decided_in_period(moderation_round, today) == []


def test_a_pack_is_shared_only_once_ready(council):
    item = decided_item(council)
    moderation_round = new_round(council)
    operations.draw_sample(council["lead"], moderation_round)
    sample = moderation_round.samples[0]
    assert sample.agenda_item_id == item.id
    with pytest.raises(ModerationError, match="approve an anonymised copy"):
        operations.prepare_pack(council["lead"], sample)
    copy = approve_copy(council["lead"], item)
    pack = operations.prepare_pack(council["lead"], sample)
    assert pack.anonymised and pack.copy_id == copy.id
    with pytest.raises(ModerationError, match="not ready"):
        operations.share_pack(council["lead"], sample, pack)
    pack.state, pack.stored_name, pack.sha256, pack.size, pack.pages = (
        PackState.READY, "x", "0" * 64, 1, 1)
    pack.ready_at = pack.requested_at
    operations.share_pack(council["lead"], sample, pack)
    assert sample.pack_id == pack.id and "moderation_sample.shared" in _actions()


def _shared_sample(council) -> ModerationSample:
    approve_copy(council["lead"], decided_item(council))
    moderation_round = new_round(council)
    operations.draw_sample(council["lead"], moderation_round)
    sample = moderation_round.samples[0]
    pack = operations.prepare_pack(council["lead"], sample)
    sample.pack_id, sample.shared_at = pack.id, pack.requested_at
    db.session.flush()
    return sample


def test_feedback_is_refused_after_access_ends_and_to_others(council):
    sample = _shared_sample(council)
    moderator, other = council["moderators"]
    ends = sample.round.access_ends_on
    with pytest.raises(ModerationError):
        operations.submit_feedback(moderator, sample, _judgement(), ends + timedelta(days=1))
    with pytest.raises(ModerationError):
        operations.submit_feedback(other, sample, _judgement(), ends)
    feedback = operations.submit_feedback(moderator, sample, _judgement(robust=False), ends)
    assert feedback.robust is False and feedback.evidence["observations"] is True
    assert feedback.missing_evidence and "Feedback from other professionals" in \
        feedback.missing_evidence
    with pytest.raises(ModerationError, match="already sent"):
        operations.submit_feedback(moderator, sample, _judgement(), ends)
    assert "moderator_feedback.submitted" in _actions()


def test_feedback_never_changes_the_decision(council):
    sample = _shared_sample(council)
    before = queries.outcomes_in_force([sample.agenda_item_id])
    operations.submit_feedback(council["moderators"][0], sample,
                               _judgement(accurate=False), today_in_england())
    assert queries.outcomes_in_force([sample.agenda_item_id]) == before


def test_the_chair_confirms_once_and_consistency_counts_per_assessor(council):
    second = factories.user(council["org"], roles=["assessor"], name="Ben Okafor")
    items = [decided_item(council), decided_item(council), decided_item(council, assessor=second)]
    chair = council["chair"]
    operations.record_confirmation(chair, items[0], True, "")
    operations.record_confirmation(chair, items[1], False, "Reads as a borderline pass.")
    operations.record_confirmation(chair, items[2], True, "")
    with pytest.raises(ModerationError, match="already recorded"):
        operations.record_confirmation(chair, items[0], True, "")
    with pytest.raises(ModerationError, match="chair"):
        operations.record_confirmation(council["lead"], items[0], True, "")
    rows = {row.assessor: (row.items, row.confirmed, row.not_confirmed)
            for row in queries.consistency(council["org"].id)}
    assert rows == {"Ben Okafor": (1, 1, 0), "Helen Shaw": (2, 1, 1)}
    assert _actions().count("panel_confirmation.recorded") == 3
    assert queries.consistency(factories.organisation().id) == []


def test_two_draws_at_once_make_one_sample(app, council):
    postgres_only()
    decided_item(council)
    round_id = new_round(council).id
    lead_id = council["lead"].id

    def load():
        return db.session.get(User, lead_id), db.session.get(ModerationRound, round_id)

    outcomes = run_at_once(app, [(load, lambda loaded: operations.draw_sample(*loaded))] * 2,
                           (ModerationError,))
    assert sorted(outcomes) == ["The sample for this round has already been drawn", "won"]
    assert db.session.scalar(select(func.count(ModerationSample.id))) == 1


def test_two_feedbacks_at_once_from_one_moderator_make_one(app, council):
    postgres_only()
    sample_id, moderator_id = _shared_sample(council).id, council["moderators"][0].id

    def load():
        return db.session.get(User, moderator_id), db.session.get(ModerationSample, sample_id)

    def act(loaded):
        operations.submit_feedback(*loaded, _judgement(), today_in_england())

    outcomes = run_at_once(app, [(load, act)] * 2, (ModerationError,))
    assert sorted(outcomes) == ["You have already sent your feedback on this portfolio", "won"]


def test_the_retention_run_keeps_a_pack_shared_with_moderators(council):
    sample = _shared_sample(council)
    db.session.commit()
    later = sample.pack.requested_at + timedelta(days=365)
    assert retention.run(later)["portfolio_packs"] == 0
    db.session.commit()
    assert db.session.get(ModerationSample, sample.id).pack_id is not None


def test_erasing_the_candidate_withdraws_their_shared_pack(council):
    sample = _shared_sample(council)
    candidate = sample.agenda_item.portfolio.candidate
    db.session.commit()
    erasure.erase(None, candidate, reason="erasure_request")
    db.session.commit()
    db.session.expire_all()
    unshared = db.session.get(ModerationSample, sample.id)
    assert (unshared.pack_id, unshared.shared_at) == (None, None)


def test_a_copy_started_before_the_decision_is_not_packed_for_moderators(council):
    portfolio = ready_for_panel(council["org"], council["lead"], council["assessor"])
    panel = new_panel(council, portfolio.programme_id)
    item = agenda.place_on_agenda(council["lead"], panel, portfolio)
    approve_copy(council["lead"], item)  # before the panel decides
    everyone_present(panel)
    decisions.record_decision(council["chair"], item, item.version, approval(item),
                              today_in_england())
    moderation_round = new_round(council, sample_percent=100)
    operations.draw_sample(council["lead"], moderation_round)
    with pytest.raises(ModerationError, match="started before the panel's decision"):
        operations.prepare_pack(council["lead"], moderation_round.samples[0])
