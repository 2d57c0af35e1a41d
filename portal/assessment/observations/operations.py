"""Direct observations of practice: recorded by the candidate's assessor or another
qualified observer, completed by the observer, signed off by the assessor.

One function per transition (draft -> completed -> signed_off); each checks the state,
writes an audit row (ids only) and flushes. Views commit. Signing off turns the
observation into a direct-observation evidence entry in the candidate's log and portfolio,
and locks it.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.assessment.models import Observation, ObservationLink, ObservationState
from portal.assignments.access import assesses, current_staff
from portal.assignments.models import AssignmentRole
from portal.core import audit
from portal.core.db import db, utcnow
from portal.evidence.models import EvidenceEntry, EvidenceLink, EvidenceType
from portal.notifications.operations import notify
from portal.portfolios.models import Portfolio
from portal.portfolios.operations import include_entry
from portal.visibility import Kind, can_read

OBSERVATION_MAX_LINKS = 3
PORTFOLIO_SECTION = "direct-observations"
TITLE_MAX = 200


class ObservationError(ValueError):
    """A change that cannot be made, with a message fit to show the user."""


class InvalidTransition(ObservationError):
    pass


class ObservationIncomplete(ObservationError):
    """Completion refused; `problems` holds (form field name, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        super().__init__("Fill in the missing parts before marking the observation complete")
        self.problems = problems


LOCKED = "This observation has been signed off and can no longer be changed"
TRANSITIONS = {
    "update": {ObservationState.DRAFT, ObservationState.COMPLETED},
    "complete": {ObservationState.DRAFT},
    "sign_off": {ObservationState.COMPLETED},
    "reflect": {ObservationState.COMPLETED},
}
REFUSALS = {
    "update": LOCKED,
    "complete": "Only a draft observation can be marked complete",
    "sign_off": "Only a completed observation can be signed off: the observer must mark it "
                "complete first",
    "reflect": "You can add your reflection only while the observation is completed and "
               "not yet signed off",
}


def _check(observation: Observation, action: str) -> None:
    state = ObservationState(observation.state)
    if state not in TRANSITIONS[action]:
        if state == ObservationState.SIGNED_OFF:
            raise InvalidTransition(LOCKED)
        raise InvalidTransition(REFUSALS[action])


@dataclass
class ObservationDetails:
    observed_on: date
    setting: str
    what_was_observed: str = ""
    analysis: str = ""
    strengths: str = ""
    areas_to_develop: str = ""
    links: list[tuple[int, str]] = field(default_factory=list)


def plain_text(text: str | None) -> str:
    """Browsers send CRLF; keep paragraphs, drop trailing spaces."""
    lines = (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


# Who may do what ----------------------------------------------------------------------
def qualified_observers(candidate: User) -> list[User]:
    """Active users of the candidate's council holding the assessor role (not the
    candidate themselves), by name."""
    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id).where(
            User.organisation_id == candidate.organisation_id, User.active.is_(True),
            UserRole.role == Role.ASSESSOR.value, User.id != candidate.id,
        ).order_by(User.name, User.id)).unique())


def is_observer(user: User, observation: Observation) -> bool:
    return (user.is_authenticated and observation.observer_id == user.id
            and user.organisation_id == observation.organisation_id
            and user.has_role(Role.ASSESSOR))


def may_write(user: User, observation: Observation) -> bool:
    """The named observer or the candidate's current assessor (whatever the state)."""
    return is_observer(user, observation) or assesses(user, observation.candidate_id)


def can_edit(user: User, observation: Observation) -> bool:
    return observation.state != ObservationState.SIGNED_OFF.value and may_write(user, observation)


def can_sign_off(user: User, observation: Observation) -> bool:
    return (observation.state == ObservationState.COMPLETED.value
            and assesses(user, observation.candidate_id))


def can_view(user: User, observation: Observation) -> bool:
    """Its writers (the observer it names too); whoever else the visibility table lets
    read observations; the candidate once it is completed."""
    if not user.is_authenticated or user.organisation_id != observation.organisation_id:
        return False
    if user.id == observation.candidate_id:
        return observation.state != ObservationState.DRAFT.value
    return may_write(user, observation) or can_read(
        user, Kind.OBSERVATION, observation.candidate_id, observation.created_at)


def can_reflect(user: User, observation: Observation) -> bool:
    return (user.is_authenticated and user.id == observation.candidate_id
            and observation.state == ObservationState.COMPLETED.value)


def candidate_observations(candidate: User) -> list[Observation]:
    """The candidate's observations they may see (completed or signed off), newest first."""
    return list(db.session.scalars(
        select(Observation).where(
            Observation.candidate_id == candidate.id,
            Observation.organisation_id == candidate.organisation_id,
            Observation.state != ObservationState.DRAFT.value,
        ).order_by(Observation.observed_on.desc(), Observation.id.desc())))


def current_portfolio(candidate_id: int) -> Portfolio | None:
    """The candidate's latest portfolio."""
    return db.session.scalar(
        select(Portfolio).where(Portfolio.candidate_id == candidate_id)
        .order_by(Portfolio.created_at.desc(), Portfolio.id.desc()).limit(1))


# Checks -------------------------------------------------------------------------------
def _check_observer(candidate: User, observer: User) -> None:
    if observer.id not in {u.id for u in qualified_observers(candidate)}:
        raise ObservationError("Choose an observer who is a qualified assessor in your "
                               "organisation")


def _check_links(links: list[tuple[int, str]], allowed_element_ids: set[int]) -> None:
    if len(links) > OBSERVATION_MAX_LINKS:
        raise ObservationError(
            f"Link at most {OBSERVATION_MAX_LINKS} framework elements to one observation")
    ids = [element_id for element_id, _ in links]
    if len(set(ids)) != len(ids):
        raise ObservationError("Each framework element can be linked only once")
    if not set(ids) <= allowed_element_ids:
        raise ObservationError("Choose framework elements from the candidate's frameworks")
    if any(not reason.strip() for _, reason in links):
        raise ObservationError("Every link needs a one-line reason")


def missing_for_completion(observation: Observation) -> list[tuple[str, str]]:
    """What the observer still has to write before the observation is complete."""
    problems = []
    if not observation.analysis.strip():
        problems.append(("analysis", "Enter your analysis of the practice you observed"))
    if not observation.strengths.strip():
        problems.append(("strengths", "Enter the strengths you saw"))
    if not observation.areas_to_develop.strip():
        problems.append(("areas_to_develop", "Enter the areas to develop"))
    if not any(link.reason.strip() for link in observation.links):
        problems.append(("links-0-element_id",
                         "Link at least one framework element, with a reason"))
    return problems


# Transitions --------------------------------------------------------------------------
def _apply(observation: Observation, details: ObservationDetails) -> list[str]:
    values = {
        "observed_on": details.observed_on,
        "setting": details.setting.strip(),
        "what_was_observed": plain_text(details.what_was_observed),
        "analysis": plain_text(details.analysis),
        "strengths": plain_text(details.strengths),
        "areas_to_develop": plain_text(details.areas_to_develop),
    }
    changed = [name for name, value in values.items() if getattr(observation, name) != value]
    for name, value in values.items():
        setattr(observation, name, value)
    old = [(link.element_id, link.reason) for link in observation.links]
    new = [(element_id, reason.strip()) for element_id, reason in details.links]
    if old != new:
        observation.links.clear()
        db.session.flush()  # the unique (observation, element) must not see old and new
        observation.links.extend(ObservationLink(element_id=e, reason=r) for e, r in new)
        changed.append("links")
    db.session.flush()
    return changed


def create_observation(actor: User, candidate: User, observer: User,
                       details: ObservationDetails, allowed_element_ids: set[int]) -> Observation:
    """A draft observation of `candidate`, made by their current assessor, who names the
    observer (themselves or another qualified assessor of the council)."""
    if candidate.organisation_id != actor.organisation_id or not assesses(actor, candidate.id):
        raise ObservationError("Only the candidate's current assessor can record an observation")
    _check_observer(candidate, observer)
    _check_links(details.links, allowed_element_ids)
    observation = Observation(organisation_id=candidate.organisation_id,
                              candidate_id=candidate.id, observer_id=observer.id,
                              state=ObservationState.DRAFT.value, observed_on=details.observed_on,
                              setting=details.setting.strip())
    db.session.add(observation)
    _apply(observation, details)
    audit.record(actor, "observation_created", observation, candidate_id=candidate.id,
                 observer_id=observer.id, links=len(observation.links))
    if observer.id != actor.id:
        notify(observer.id, f"{actor.name} named you as the observer of "
                            f"{candidate.name}'s practice.", _link(observation))
    return observation


def update_observation(actor: User, observation: Observation, details: ObservationDetails,
                       allowed_element_ids: set[int], observer: User | None = None) -> list[str]:
    """Change a draft or completed observation. Only the current assessor may change the
    observer. A completed observation must stay complete."""
    if not may_write(actor, observation):
        raise ObservationError("Only the observer or the candidate's assessor can change this "
                               "observation")
    _check(observation, "update")
    kept = {link.element_id for link in observation.links}
    _check_links(details.links, allowed_element_ids | kept)
    changed = _apply(observation, details)
    if observer is not None and observer.id != observation.observer_id:
        if not assesses(actor, observation.candidate_id):
            raise ObservationError("Only the candidate's assessor can change the observer")
        _check_observer(observation.candidate, observer)
        observation.observer_id = observer.id
        db.session.flush()
        changed.append("observer_id")
    if observation.state == ObservationState.COMPLETED.value:
        problems = missing_for_completion(observation)
        if problems:
            raise ObservationIncomplete(problems)
    if changed:
        audit.record(actor, "observation_updated", observation, fields=changed)
    return changed


def complete_observation(actor: User, observation: Observation) -> None:
    """Draft -> completed, once analysis, strengths, areas to develop and a linked element
    are written. The candidate can then see it and add their reflection."""
    if not may_write(actor, observation):
        raise ObservationError("Only the observer or the candidate's assessor can complete "
                               "this observation")
    _check(observation, "complete")
    problems = missing_for_completion(observation)
    if problems:
        raise ObservationIncomplete(problems)
    observation.state = ObservationState.COMPLETED.value
    db.session.flush()
    audit.record(actor, "observation_completed", observation, from_state="draft",
                 to_state="completed")
    notify(observation.candidate_id, "An observation of your practice is ready: you can add "
                                     "your reflection.", _link(observation))
    if not assesses(actor, observation.candidate_id):
        assessor = current_staff(observation.candidate_id, AssignmentRole.ASSESSOR)
        if assessor is not None:
            notify(assessor.id, f"{actor.name} completed an observation of "
                                f"{observation.candidate.name}'s practice; it is ready for "
                                f"sign-off.", _link(observation))


def save_reflection(actor: User, observation: Observation, reflection: str) -> None:
    """The candidate's reflection on a completed observation (not after sign-off)."""
    if actor.id != observation.candidate_id:
        raise ObservationError("Only the candidate can write their reflection")
    _check(observation, "reflect")
    text = plain_text(reflection)
    if text != observation.candidate_reflection:
        observation.candidate_reflection = text
        db.session.flush()
        audit.record(actor, "observation_reflection_saved", observation)


def compose_reflection(observation: Observation) -> str:
    """The evidence entry's text: the observer's sections, then the candidate's reflection."""
    sections = [
        ("What was observed", observation.what_was_observed),
        ("Observer's analysis", observation.analysis),
        ("Strengths", observation.strengths),
        ("Areas to develop", observation.areas_to_develop),
        ("Candidate's reflection", observation.candidate_reflection),
    ]
    return "\n\n".join(f"{heading}\n{text}" for heading, text in sections if text.strip())


def entry_title(setting: str) -> str:
    title = f"Direct observation: {setting.strip()}"
    return title if len(title) <= TITLE_MAX else title[:TITLE_MAX - 1] + "…"


def sign_off_observation(actor: User, observation: Observation,
                         evidence_link_limit: int) -> EvidenceEntry:
    """Completed -> signed off, by the candidate's current assessor only. Adds a
    direct-observation entry to the candidate's evidence log and current portfolio, and
    locks the observation."""
    if not assesses(actor, observation.candidate_id):
        raise ObservationError("Only the candidate's current assessor can sign off an "
                               "observation")
    _check(observation, "sign_off")
    entry = EvidenceEntry(
        candidate_id=observation.candidate_id, organisation_id=observation.organisation_id,
        title=entry_title(observation.setting), occurred_on=observation.observed_on,
        evidence_type=EvidenceType.DIRECT_OBSERVATION.value,
        reflection=compose_reflection(observation), anonymised_confirmed=False,
    )
    entry.links = [EvidenceLink(element_id=link.element_id, reason=link.reason)
                   for link in observation.links[:evidence_link_limit]]
    db.session.add(entry)
    db.session.flush()
    observation.entry_id = entry.id
    observation.signed_off_by_id = actor.id
    observation.signed_off_at = utcnow()
    observation.state = ObservationState.SIGNED_OFF.value
    db.session.flush()
    audit.record(actor, "evidence_created", entry, observation_id=observation.id,
                 links=len(entry.links))
    portfolio = current_portfolio(observation.candidate_id)
    portfolio_id = None
    if portfolio is not None:
        sections = {c.code for c in portfolio.programme.components if c.source == "evidence"}
        section = PORTFOLIO_SECTION if PORTFOLIO_SECTION in sections else None
        include_entry(actor, portfolio, entry, section)
        portfolio_id = portfolio.id
    audit.record(actor, "observation_signed_off", observation, from_state="completed",
                 to_state="signed_off", entry_id=entry.id, portfolio_id=portfolio_id)
    notify(observation.candidate_id, "Your assessor signed off an observation of your "
                                     "practice; it is now in your evidence log.",
           _link(observation))
    return entry


def _link(observation: Observation) -> str:
    # A plain path: notifications are also made outside a request (commands, tests).
    return f"/observations/{observation.id}"
