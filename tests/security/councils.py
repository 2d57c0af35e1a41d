"""A council with one of everything a URL can name, for the cross-council access matrix.

`build_council` returns the council's people (one per role) and the id of each kind of
object, keyed by the name the matrix gives that kind (see test_cross_council_matrix.py).
"""

from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.accounts.models import UserRole
from portal.accounts.roles import Role
from portal.accounts.single_sign_on.models import CouncilSignOn
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.data_protection.exports import request_export
from portal.moderation import operations as moderation
from portal.notifications.email_models import OutgoingEmail
from portal.notifications.operations import notify
from portal.packs.copies import operations as copies
from portal.packs.models import PackState
from portal.packs.operations import request_pack
from portal.panels import agenda, corrections, decisions, letters
from portal.panels.models import AgendaItem
from portal.partnerships import operations as partnerships
from portal.partnerships.models import SharedPurpose
from portal.portfolios import operations
from portal.portfolios.models import PortfolioEntry, PortfolioSnapshot
from portal.programmes import building
from portal.programmes.models import Programme
from tests import factories
from tests.panels.conftest import approval, everyone_present, new_panel, ready_for_panel
from tests.portfolios.conftest import make_portfolio


@dataclass
class Council:
    organisation_id: int
    people: dict[str, int] = field(default_factory=dict)  # role -> user id
    ids: dict[str, int | list[int]] = field(default_factory=dict)  # kind of object -> id(s)


def _people(org) -> dict:
    team = factories.team(org)
    people = {role.value: factories.user(org, roles=[role], team_id=team.id) for role in Role}
    # A chair sits on the panel as one of its members.
    people["panel_chair"].role_grants.append(UserRole(role=Role.PANEL_MEMBER.value))
    people["members"] = [factories.user(org, roles=[Role.PANEL_MEMBER]) for _ in range(2)]
    people["team"] = team
    db.session.flush()
    return people


def _panel(people, ids: dict) -> None:
    """A panel sitting today: one portfolio decided (its letter, a review request), one
    waiting (its snapshot with a file, its pack, the assessor's final report)."""
    lead, chair = people["programme_lead"], people["panel_chair"]
    decided = ready_for_panel(people["org"], lead, people["assessor"])
    council = {"lead": lead, "chair": chair, "members": people["members"]}
    panel = new_panel(council, decided.programme_id)
    decided_item = agenda.place_on_agenda(lead, panel, decided)
    waiting = ready_for_panel(people["org"], lead, people["assessor"],
                              attached_to="Court statement")
    item = agenda.place_on_agenda(lead, panel, waiting)
    everyone_present(panel)
    decision = decisions.record_decision(chair, decided_item, decided_item.version,
                                         approval(decided_item), today_in_england())
    letters.request_letter(lead, decision)
    review = corrections.request_review(decided.candidate, decision, "Please look again",
                                        today_in_england())
    request_pack(chair, waiting.current_snapshot, item)
    ids.update(submitted_portfolio=waiting.id, snapshot=waiting.current_snapshot_id,
               panel=panel.id, agenda_item=item.id, decided_item=decided_item.id,
               decision=decision.id,
               review_request=review.id, report=agenda.final_report(waiting).id,
               programme=waiting.programme_id)


def _in_progress(people, ids: dict) -> None:
    """A candidate part way through: evidence with an attachment in the portfolio,
    records, an observation, an outside feedback link and a support plan."""
    candidate, assessor = people["candidate"], people["assessor"]
    portfolio = make_portfolio(people["org"], candidate=candidate, start=date(2026, 1, 5))
    lead = people["programme_lead"]
    assignment = assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date(2026, 1, 5))
    assign(lead, candidate, people["line_manager"], AssignmentRole.LINE_MANAGER,
           date(2026, 1, 5))
    entry = factories.evidence_entry(candidate, title="Home visit")
    attachment = factories.attachment(entry)
    operations.include_entry(candidate, portfolio, entry, None)
    item = db.session.query(PortfolioEntry).filter_by(portfolio_id=portfolio.id).one()
    factories.support_agreement(portfolio)
    factories.development_plan(portfolio)
    supervision = factories.supervision(portfolio)
    protected = factories.protected_time(portfolio)
    observation = factories.observation(candidate, assessor, state="completed")
    feedback = factories.feedback_request(candidate)
    plan = factories.support_plan(portfolio, assessor)
    note = notify(candidate.id, "Your assessor left feedback", "/evidence/")
    email = OutgoingEmail(recipient_id=candidate.id, kind="notification",
                          to_address=candidate.email, context={"note_id": note.id})
    db.session.add(email)
    db.session.flush()
    ids.update(portfolio=portfolio.id, candidate=candidate.id, entry=entry.id,
               attachment=attachment.id, portfolio_entry=item.id,
               supervision=supervision.id, protected_time=protected.id,
               observation=observation.id, feedback_request=feedback.id, support_plan=plan.id,
               notification=note.id, email=email.id, assignment=assignment.id,
               cohort=portfolio.membership.cohort_id, membership=portfolio.membership_id,
               frameworks=[f.id for f in portfolio.programme.frameworks])


def _moderation(people, ids: dict) -> None:
    """An external moderation round whose sample (the decided item) has its anonymised
    pack shared with the council's moderator, and an approved anonymised copy of the
    waiting portfolio's snapshot."""
    lead, today = people["programme_lead"], today_in_england()
    moderation_round = moderation.define_round(lead, moderation.RoundDetails(
        title="External moderation", period_start=today - timedelta(days=30),
        period_end=today, sample_percent=10, access_ends_on=today + timedelta(days=14),
        moderator_ids=[people["external_moderator"].id]))
    moderation.draw_sample(lead, moderation_round)
    sample = moderation_round.samples[0]
    sampled = db.session.get(AgendaItem, sample.agenda_item_id)
    approved = copies.start_copy(lead, sampled.snapshot)
    copies.decide(lead, approved, {d.id: ("accepted", None) for d in approved.decisions})
    copies.approve(lead, approved)
    pack = moderation.prepare_pack(lead, sample)
    pack.state, pack.stored_name, pack.sha256, pack.size, pack.pages = (
        PackState.READY, "not-stored", "0" * 64, 1, 1)
    pack.ready_at = pack.requested_at
    moderation.share_pack(lead, sample, pack)
    copy = copies.start_copy(lead, db.session.get(PortfolioSnapshot, ids["snapshot"]))
    copies.decide(lead, copy, {d.id: ("accepted", None) for d in copy.decisions})
    copies.approve(lead, copy)
    ids.update(moderation_round=moderation_round.id, moderation_sample=sample.id)


def _partnership(people, ids: dict) -> None:
    """The council's own partnership with a council outside the matrix, sharing each
    thing with it (so there is a grant to withdraw and a report to read)."""
    today = today_in_england()
    partner = factories.organisation()
    partnership = partnerships.create_partnership(
        None, f"{people['org'].name} partnership", [people["org"].id, partner.id])
    grants = [partnerships.give_grant(people["administrator"], partnership,
                                      partnerships.GrantDetails(partner.id, purpose, today,
                                                                today + timedelta(days=90)),
                                      today)
              for purpose in SharedPurpose]
    ids.update(partnership=partnership.id, grant=grants[0].id)


def build_council() -> Council:
    """A council with one of everything, flushed (the caller commits)."""
    org = factories.organisation()
    people = _people(org)
    people["org"] = org
    ids: dict = {}
    _panel(people, ids)
    _in_progress(people, ids)
    _moderation(people, ids)
    _partnership(people, ids)
    registration = CouncilSignOn(organisation_id=org.id, provider_name="Microsoft",
                                 issuer="https://login.example.org/v2.0", client_id="portal",
                                 client_secret="secret", allowed_domains="example.org")
    db.session.add(registration)
    export = request_export(people["administrator"], people["candidate"])
    draft = building.new_version(people["programme_lead"],
                                 db.session.get(Programme, ids["programme"]))
    db.session.flush()
    ids.update(registration=registration.id, export=export.id, draft_programme=draft.id,
               team=people["team"].id)
    roles = {role.value: people[role.value].id for role in Role}
    return Council(org.id, roles, ids)

