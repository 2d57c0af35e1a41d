"""Direct observations: recorded by the assessor or another qualified observer, completed,
reflected on by the candidate, signed off by the assessor into evidence, then locked."""

from dataclasses import dataclass
from datetime import date

import pytest

from portal.accounts.roles import Role
from portal.assessment.models import Observation, ObservationState
from portal.assessment.observations.operations import (
    InvalidTransition,
    ObservationDetails,
    complete_observation,
    create_observation,
    sign_off_observation,
)
from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.audit import AuditEvent
from portal.core.db import db
from portal.evidence.models import EvidenceEntry
from portal.notifications.models import Notification
from portal.portfolios.models import PortfolioEntry
from portal.portfolios.sufficiency.measures import component_status
from tests import factories
from tests.conftest import assert_no_duplicate_ids, error_summary, page, sign_in
from tests.portfolios.conftest import make_portfolio

OBSERVED_ON = date(2026, 2, 10)


@dataclass
class Scene:
    org: object
    candidate: object
    assessor: object
    observer: object
    portfolio: object
    elements: list


@pytest.fixture
def scene(org):
    """A candidate with an ASYE portfolio, their assessor, and another qualified assessor
    of the same council who is not assigned to them."""
    lead = factories.user(org, roles=["programme_lead"])
    candidate = factories.user(org, roles=["candidate"], name="Cara Candidate")
    portfolio = make_portfolio(org, candidate=candidate)
    assessor = factories.user(org, roles=["assessor"], name="Asha Assessor")
    observer = factories.user(org, roles=["assessor"], name="Omar Observer")
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, date.today())
    elements = [e for f in portfolio.frameworks for e in f.elements]
    db.session.commit()
    return Scene(org, candidate, assessor, observer, portfolio, elements)


def client_for(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _form(scene, observer=None, **overrides):
    data = {
        "observer_id": str((observer or scene.assessor).id),
        "observed_on": ["10", "2", "2026"],
        "setting": "Home visit with a family",
        "what_was_observed": "A planned visit.",
        "analysis": "Clear explanation of the worry.\r\n\r\nGood pacing.",
        "strengths": "Warmth and honesty.",
        "areas_to_develop": "Name the risk sooner.",
        "links-0-element_id": str(scene.elements[0].id),
        "links-0-reason": "Explained their role and its limits",
    }
    data.update(overrides)
    return data


def _details(scene, **overrides):
    values = {"observed_on": OBSERVED_ON, "setting": "Home visit",
              "what_was_observed": "A visit.", "analysis": "Good analysis.",
              "strengths": "Warmth.", "areas_to_develop": "Pace.",
              "links": [(scene.elements[0].id, "Role explained")]}
    values.update(overrides)
    return ObservationDetails(**values)


def _observation(scene, state=ObservationState.DRAFT, observer=None, **overrides):
    """An observation made through the operations, moved on to `state`."""
    allowed = {e.id for e in scene.elements}
    observation = create_observation(scene.assessor, scene.candidate,
                                     observer or scene.assessor, _details(scene, **overrides),
                                     allowed)
    if state in {ObservationState.COMPLETED, ObservationState.SIGNED_OFF}:
        complete_observation(scene.assessor, observation)
    if state == ObservationState.SIGNED_OFF:
        sign_off_observation(scene.assessor, observation, 3)
    db.session.commit()
    return observation


def _actions():
    return db.session.scalars(db.select(AuditEvent.action).order_by(AuditEvent.id)).all()


def _snapshot(observation_id):
    db.session.expire_all()
    o = db.session.get(Observation, observation_id)
    return (o.state, o.setting, o.analysis, o.strengths, o.areas_to_develop,
            o.candidate_reflection, o.observer_id, [(li.element_id, li.reason) for li in o.links])


# Creating ------------------------------------------------------------------------------
def test_the_assessor_records_a_draft_observation(app, scene):
    client = client_for(app, scene.assessor)
    form_page = client.get(f"/observations/new?candidate={scene.candidate.id}")
    assert form_page.status_code == 200
    soup = page(form_page)
    assert_no_duplicate_ids(soup)
    observers = [o.get_text() for o in soup.select("#observer_id option")]
    assert observers == ["Asha Assessor", "Omar Observer"]
    groups = [g["label"] for g in soup.select("#links-0-element_id optgroup")]
    assert groups == [f"{f.title} {f.version}" for f in scene.portfolio.frameworks]

    response = client.post(f"/observations/new?candidate={scene.candidate.id}",
                           data=_form(scene))
    assert response.status_code == 303, page(response).get_text()[:500]
    observation = db.session.scalar(db.select(Observation))
    assert response.headers["Location"] == f"/observations/{observation.id}"
    assert observation.state == "draft"
    assert observation.candidate_id == scene.candidate.id
    assert observation.observer_id == scene.assessor.id
    assert observation.observed_on == OBSERVED_ON
    assert observation.analysis == "Clear explanation of the worry.\n\nGood pacing."
    assert [(li.element_id, li.reason) for li in observation.links] == [
        (scene.elements[0].id, "Explained their role and its limits")]
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "observation_created"))
    assert event.object_id == observation.id
    assert event.details == {"candidate_id": scene.candidate.id,
                             "observer_id": scene.assessor.id, "links": 1}


def test_the_assessor_names_another_qualified_observer_who_then_edits(app, scene):
    client = client_for(app, scene.assessor)
    response = client.post(f"/observations/new?candidate={scene.candidate.id}",
                           data=_form(scene, observer=scene.observer))
    assert response.status_code == 303
    observation = db.session.scalar(db.select(Observation))
    assert observation.observer_id == scene.observer.id
    assert db.session.scalar(db.select(Notification.message).where(
        Notification.recipient_id == scene.observer.id)) == (
        "Asha Assessor named you as the observer of Cara Candidate's practice.")

    observer = client_for(app, scene.observer)
    soup = page(observer.get(f"/observations/{observation.id}"))
    assert soup.select_one("#observer_id") is None  # only the assessor chooses the observer
    assert soup.select_one("#setting")["value"] == "Home visit with a family"
    response = observer.post(f"/observations/{observation.id}", data=_form(
        scene, observer=scene.observer, setting="Child protection conference",
        observer_id=str(scene.candidate.id)))
    assert response.status_code == 303
    db.session.expire_all()
    assert observation.setting == "Child protection conference"
    assert observation.observer_id == scene.observer.id  # the extra field was ignored
    assert "observation_updated" in _actions()


@pytest.mark.parametrize("observer", ["candidate", "inactive", "not_assessor", "other_council"])
def test_only_a_qualified_observer_of_the_council_can_be_named(app, scene, observer):
    person = {
        "candidate": lambda: scene.candidate,
        "inactive": lambda: factories.user(scene.org, roles=["assessor"], active=False),
        "not_assessor": lambda: factories.user(scene.org, roles=["line_manager"]),
        "other_council": lambda: factories.user(factories.organisation(), roles=["assessor"]),
    }[observer]()
    db.session.commit()
    client = client_for(app, scene.assessor)
    response = client.post(f"/observations/new?candidate={scene.candidate.id}",
                           data=_form(scene, observer_id=str(person.id)))
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Choose the observer from the list"]
    assert db.session.scalar(db.select(db.func.count(Observation.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"setting": ""}, "Enter the setting of the observation"),
        ({"observed_on": ["", "", ""]}, "Enter the date of the observation"),
        ({"observed_on": ["31", "2", "2026"]}, "Enter a real date, like 27 3 2026"),
        ({"observed_on": ["1", "1", "2099"]}, "The date must be today or in the past"),
        ({"analysis": "I <b>saw</b> it"},
         "Write plain text: remove the HTML tags (such as <b> or <p>)"),
        ({"links-0-reason": ""}, "Say in one line why the observed practice shows this element"),
        ({"links-0-element_id": "999999"}, "Choose an element from the list"),
    ],
)
def test_bad_input_is_explained_and_kept(app, scene, overrides, message):
    client = client_for(app, scene.assessor)
    response = client.post(f"/observations/new?candidate={scene.candidate.id}",
                           data=_form(scene, what_was_observed="Kept text", **overrides))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [message]
    assert soup.title.get_text().startswith("Error: ")
    assert soup.select_one("#what_was_observed").get_text() == "Kept text"
    assert db.session.scalar(db.select(db.func.count(Observation.id))) == 0


# Completing ---------------------------------------------------------------------------
def test_completing_needs_analysis_strengths_areas_and_a_link(app, scene):
    observation = _observation(scene)
    client = client_for(app, scene.assessor)
    response = client.post(f"/observations/{observation.id}/complete", data=_form(
        scene, analysis="", strengths="", areas_to_develop="", setting="Kept setting",
        **{"links-0-element_id": "", "links-0-reason": ""}))
    assert response.status_code == 400
    soup = page(response)
    assert error_summary(soup) == [
        "Enter your analysis of the practice you observed",
        "Enter the strengths you saw",
        "Enter the areas to develop",
        "Link at least one framework element, with a reason",
    ]
    assert soup.select_one("#setting")["value"] == "Kept setting"
    assert soup.select_one("a[href='#analysis']") is not None
    db.session.expire_all()
    assert observation.state == "draft"
    assert observation.setting == "Home visit"  # nothing saved when completion is refused
    assert "observation_completed" not in _actions()


def test_the_other_observer_completes_and_the_candidate_is_told(app, scene):
    observation = _observation(scene, observer=scene.observer)
    client = client_for(app, scene.observer)
    response = client.post(f"/observations/{observation.id}/complete", data=_form(scene))
    assert response.status_code == 303
    db.session.expire_all()
    assert observation.state == "completed"
    recipients = db.session.scalars(db.select(Notification.recipient_id)).all()
    assert scene.candidate.id in recipients and scene.assessor.id in recipients
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "observation_completed"))
    assert event.actor_id == scene.observer.id
    assert event.details == {"from_state": "draft", "to_state": "completed"}


def test_a_completed_observation_must_stay_complete_when_edited(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    client = client_for(app, scene.assessor)
    response = client.post(f"/observations/{observation.id}", data=_form(scene, strengths=""))
    assert response.status_code == 400
    assert "Enter the strengths you saw" in error_summary(page(response))
    db.session.expire_all()
    assert observation.strengths == "Warmth."


# Signing off --------------------------------------------------------------------------
def test_the_assessor_signs_off_into_evidence_and_the_portfolio(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED,
                               links=[(scene.elements[0].id, "Role"),
                                      (scene.elements[1].id, "Values")])
    status = {s.requirement.code: s for s in component_status(scene.portfolio)}
    assert status["direct-observations"].have == 0
    candidate = client_for(app, scene.candidate)
    candidate.post(f"/observations/{observation.id}/reflection",
                   data={"candidate_reflection": "I would slow down next time."})

    client = client_for(app, scene.assessor)
    soup = page(client.get(f"/observations/{observation.id}"))
    assert "locks this observation" in soup.select_one(".govuk-warning-text").get_text()
    response = client.post(f"/observations/{observation.id}/sign-off")
    assert response.status_code == 303
    db.session.expire_all()
    assert observation.state == "signed_off"
    assert observation.signed_off_by_id == scene.assessor.id
    assert observation.signed_off_at is not None
    entry = db.session.get(EvidenceEntry, observation.entry_id)
    assert entry.candidate_id == scene.candidate.id
    assert entry.evidence_type == "direct_observation"
    assert entry.title == "Direct observation: Home visit"
    assert entry.occurred_on == OBSERVED_ON
    assert not entry.anonymised_confirmed
    assert entry.reflection == (
        "What was observed\nA visit.\n\nObserver's analysis\nGood analysis.\n\n"
        "Strengths\nWarmth.\n\nAreas to develop\nPace.\n\n"
        "Candidate's reflection\nI would slow down next time.")
    assert [(li.element_id, li.reason) for li in entry.links] == [
        (scene.elements[0].id, "Role"), (scene.elements[1].id, "Values")]
    item = db.session.scalar(db.select(PortfolioEntry).where(
        PortfolioEntry.entry_id == entry.id))
    assert (item.portfolio_id, item.section) == (scene.portfolio.id, "direct-observations")
    status = {s.requirement.code: s for s in component_status(scene.portfolio)}
    assert status["direct-observations"].have == 1
    assert status["direct-observations"].needed == 3
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "observation_signed_off"))
    assert event.details == {"from_state": "completed", "to_state": "signed_off",
                             "entry_id": entry.id, "portfolio_id": scene.portfolio.id}
    assert db.session.scalar(db.select(Notification).where(
        Notification.recipient_id == scene.candidate.id,
        Notification.message.contains("signed off"))) is not None


def test_sign_off_copies_at_most_the_configured_links(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED, links=[
        (scene.elements[i].id, f"Reason {i}") for i in range(3)])
    app.config["EVIDENCE_MAX_LINKS"] = 2
    try:
        response = client_for(app, scene.assessor).post(
            f"/observations/{observation.id}/sign-off")
    finally:
        app.config["EVIDENCE_MAX_LINKS"] = 3
    assert response.status_code == 303
    db.session.expire_all()
    assert len(db.session.get(EvidenceEntry, observation.entry_id).links) == 2


def test_the_observer_who_is_not_the_assessor_cannot_sign_off(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED, observer=scene.observer)
    observer = client_for(app, scene.observer)
    assert page(observer.get(f"/observations/{observation.id}")).select_one(
        ".govuk-warning-text") is None
    assert observer.post(f"/observations/{observation.id}/sign-off").status_code == 404
    db.session.expire_all()
    assert observation.state == "completed"
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0
    with pytest.raises(Exception, match="current assessor"):
        sign_off_observation(scene.observer, observation, 3)


def test_a_draft_cannot_be_signed_off(app, scene):
    observation = _observation(scene)
    response = client_for(app, scene.assessor).post(f"/observations/{observation.id}/sign-off")
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Only a completed observation can be signed off: the observer must mark it complete "
        "first"]
    db.session.expire_all()
    assert observation.state == "draft"
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == 0


def test_completing_twice_is_refused(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    response = client_for(app, scene.assessor).post(
        f"/observations/{observation.id}/complete", data=_form(scene))
    assert response.status_code == 400
    assert error_summary(page(response)) == ["Only a draft observation can be marked complete"]
    with pytest.raises(InvalidTransition):
        complete_observation(scene.assessor, observation)


def test_a_signed_off_observation_is_locked(app, scene):
    observation = _observation(scene, ObservationState.SIGNED_OFF)
    assessor = client_for(app, scene.assessor)
    candidate = client_for(app, scene.candidate)
    before = _snapshot(observation.id)
    audit_before = len(_actions())
    entries_before = db.session.scalar(db.select(db.func.count(EvidenceEntry.id)))
    soup = page(assessor.get(f"/observations/{observation.id}"))
    assert soup.select_one("form[action$='/sign-off']") is None
    assert soup.select_one("#setting") is None  # read-only view
    locked = "This observation has been signed off and can no longer be changed"
    for url, data in [(f"/observations/{observation.id}", _form(scene, setting="Changed")),
                      (f"/observations/{observation.id}/complete", _form(scene)),
                      (f"/observations/{observation.id}/sign-off", {})]:
        response = assessor.post(url, data=data)
        assert response.status_code == 400, url
        assert error_summary(page(response)) == [locked]
    response = candidate.post(f"/observations/{observation.id}/reflection",
                              data={"candidate_reflection": "Too late"})
    assert response.status_code == 400
    assert error_summary(page(response)) == [locked]
    assert candidate.get(f"/observations/{observation.id}/reflection").status_code == 303
    assert _snapshot(observation.id) == before
    assert len(_actions()) == audit_before
    assert db.session.scalar(db.select(db.func.count(EvidenceEntry.id))) == entries_before


# The candidate ------------------------------------------------------------------------
def test_the_candidate_sees_completed_observations_but_not_drafts(app, scene):
    draft = _observation(scene, setting="Draft setting")
    completed = _observation(scene, ObservationState.COMPLETED, setting="Completed setting")
    signed = _observation(scene, ObservationState.SIGNED_OFF, setting="Signed setting")
    client = client_for(app, scene.candidate)
    listing = page(client.get("/observations/mine"))
    # Same date: the newest record first.
    assert [a.get_text() for a in listing.select("tbody a")] == [
        "Signed setting", "Completed setting"]
    assert "Draft setting" not in listing.get_text()
    assert client.get(f"/observations/{draft.id}").status_code == 404
    assert client.get(f"/observations/{draft.id}/reflection").status_code == 404
    shown = page(client.get(f"/observations/{completed.id}"))
    assert shown.h1.get_text() == "Direct observation: Completed setting"
    assert shown.select_one("a[href$='/reflection']") is not None
    assert shown.select_one("#setting") is None
    assert_no_duplicate_ids(shown)
    assert page(client.get(f"/observations/{signed.id}")).select_one(
        "a[href$='/reflection']") is None


def test_the_candidate_writes_only_their_reflection(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    client = client_for(app, scene.candidate)
    assert client.get(f"/observations/{observation.id}/reflection").status_code == 200
    response = client.post(f"/observations/{observation.id}/reflection", data={
        "candidate_reflection": "I rushed the ending.\r\n\r\nNext time I will summarise.",
        "analysis": "Candidate's own analysis", "strengths": "Everything",
        "state": "signed_off", "observer_id": str(scene.candidate.id)})
    assert response.status_code == 303
    db.session.expire_all()
    assert observation.candidate_reflection == (
        "I rushed the ending.\n\nNext time I will summarise.")
    assert (observation.analysis, observation.strengths, observation.state,
            observation.observer_id) == ("Good analysis.", "Warmth.", "completed",
                                         scene.assessor.id)
    event = db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.action == "observation_reflection_saved"))
    assert event.details == {}  # no free text in the audit trail
    # The candidate cannot use the observer's routes.
    before = _snapshot(observation.id)
    assert client.post(f"/observations/{observation.id}", data=_form(scene)).status_code == 404
    assert client.post(f"/observations/{observation.id}/complete",
                       data=_form(scene)).status_code == 403
    assert client.post(f"/observations/{observation.id}/sign-off").status_code == 403
    assert client.get(f"/observations/new?candidate={scene.candidate.id}").status_code == 403
    assert _snapshot(observation.id) == before


def test_the_candidates_reflection_refuses_html(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    response = client_for(app, scene.candidate).post(
        f"/observations/{observation.id}/reflection",
        data={"candidate_reflection": "<script>alert(1)</script>"})
    assert response.status_code == 400
    assert error_summary(page(response)) == [
        "Write plain text: remove the HTML tags (such as <b> or <p>)"]


# Who else may see it ------------------------------------------------------------------
def test_an_unassigned_assessor_gets_404_everywhere(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    stranger = client_for(app, factories.user(scene.org, roles=["assessor"]))
    before = _snapshot(observation.id)
    assert stranger.get(f"/observations/new?candidate={scene.candidate.id}").status_code == 404
    assert stranger.post(f"/observations/new?candidate={scene.candidate.id}",
                         data=_form(scene)).status_code == 404
    for url in ["", "/complete", "/sign-off"]:
        assert stranger.post(f"/observations/{observation.id}{url}",
                             data=_form(scene)).status_code == 404
    assert stranger.get(f"/observations/{observation.id}").status_code == 404
    # The named observer who is not assigned cannot start observations of the candidate.
    observer = client_for(app, scene.observer)
    assert observer.get(f"/observations/new?candidate={scene.candidate.id}").status_code == 404
    assert observer.get(f"/observations/{observation.id}").status_code == 404
    assert _snapshot(observation.id) == before


def test_another_council_gets_404(app, scene):
    observation = _observation(scene, ObservationState.COMPLETED)
    other = factories.organisation()
    for roles in (["assessor"], ["candidate"], ["programme_lead", "assessor"]):
        client = client_for(app, factories.user(other, roles=roles))
        assert client.get(f"/observations/{observation.id}").status_code == 404
        if "assessor" in roles:
            assert client.get(
                f"/observations/new?candidate={scene.candidate.id}").status_code == 404
            assert client.post(f"/observations/{observation.id}/sign-off").status_code == 404
        else:
            assert client.post(f"/observations/{observation.id}/reflection",
                               data={"candidate_reflection": "x"}).status_code == 404


def test_a_previous_assessor_reads_but_cannot_change(app, scene):
    # Observed by a colleague: the previous assessor keeps no observer's rights over it.
    observation = _observation(scene, ObservationState.COMPLETED, observer=scene.observer)
    lead = factories.user(scene.org, roles=["programme_lead"])
    newcomer = factories.user(scene.org, roles=["assessor"])
    assign(lead, scene.candidate, newcomer, AssignmentRole.ASSESSOR, date.today())
    db.session.commit()
    before = _snapshot(observation.id)
    previous = client_for(app, scene.assessor)
    soup = page(previous.get(f"/observations/{observation.id}"))
    assert soup.h1.get_text() == "Direct observation: Home visit"
    assert soup.select_one("#setting") is None
    assert previous.post(f"/observations/{observation.id}", data=_form(scene)).status_code == 404
    assert previous.post(f"/observations/{observation.id}/sign-off").status_code == 404
    assert _snapshot(observation.id) == before
    # The new assessor signs it off.
    assert client_for(app, newcomer).post(
        f"/observations/{observation.id}/sign-off").status_code == 303


def test_other_roles_are_refused(app, scene):
    client = client_for(app, factories.user(scene.org, roles=[Role.LINE_MANAGER]))
    assert client.get("/observations/mine").status_code == 403
    assert client.get(f"/observations/new?candidate={scene.candidate.id}").status_code == 403
    anonymous = app.test_client()
    assert anonymous.get("/observations/mine").status_code in {302, 303}


def test_text_is_escaped(app, scene):
    nasty = '<script>alert("x")</script>'
    observation = _observation(scene, ObservationState.COMPLETED, setting=nasty)
    for user in (scene.assessor, scene.candidate):
        body = client_for(app, user).get(f"/observations/{observation.id}").get_data(
            as_text=True)
        assert nasty not in body
        assert "&lt;script&gt;" in body
    body = client_for(app, scene.candidate).get("/observations/mine").get_data(as_text=True)
    assert nasty not in body


def test_audit_rows_hold_ids_only(app, scene):
    observation = _observation(scene, ObservationState.SIGNED_OFF)
    events = db.session.scalars(db.select(AuditEvent).where(
        AuditEvent.object_type == "observation").order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == [
        "observation_created", "observation_completed", "observation_signed_off"]
    assert all(e.object_id == observation.id for e in events)
    assert all(e.actor_id == scene.assessor.id for e in events)
    text = repr([e.details for e in events])
    for words in ("Home visit", "Good analysis", "Warmth"):
        assert words not in text
