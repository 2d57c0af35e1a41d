"""Recording the panel's decision on an agenda item, and what follows from it: the
portfolio decided (or reopened by a deferral), the career level reached, and the people
told. Two chairs sending a decision at once give one decision: the item's version column
refuses the second (optimistic locking).

Each function takes the actor, checks what it must, writes an audit row, flushes and
leaves the commit to the view.
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from portal.accounts.models import User
from portal.assignments.access import current_staff
from portal.assignments.models import AssignmentRole
from portal.core import audit
from portal.core.db import db
from portal.frameworks.models import FrameworkLevel
from portal.notifications.operations import notify
from portal.panels import deferrals
from portal.panels.attendance import check_ready_to_decide
from portal.panels.errors import DecisionConflict, PanelError
from portal.panels.models import (
    AgendaItem,
    CareerLevelRecord,
    DecisionAction,
    DecisionDomain,
    PanelDecision,
)
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import Portfolio
from portal.programmes.models import DEFAULT_DECISION_CODES, DecisionCode, Outcome, Programme

CONFLICT_MESSAGE = ("Another decision was recorded for this portfolio while you were "
                    "writing. Your text is below; nothing was saved.")


# Decision codes -------------------------------------------------------------------------
def ensure_decision_codes(programme: Programme) -> list[DecisionCode]:
    """The programme's decision codes (part of its data; portal.programmes), creating the
    defaults the first time for a programme installed before codes were configured."""
    codes = decision_codes(programme.id)
    if codes:
        return codes
    for position, (code, label, outcome) in enumerate(DEFAULT_DECISION_CODES):
        db.session.add(DecisionCode(programme_id=programme.id, code=code, label=label,
                                    outcome=outcome.value, position=position))
    db.session.flush()
    return decision_codes(programme.id)


def decision_codes(programme_id: int) -> list[DecisionCode]:
    return db.session.scalars(select(DecisionCode).where(
        DecisionCode.programme_id == programme_id).order_by(DecisionCode.position)).all()


# Decisions ------------------------------------------------------------------------------
@dataclass
class DecisionDetails:
    code: str
    rationale: str
    domain_ids: list[int] = field(default_factory=list)
    actions: list[tuple[str, str, date]] = field(default_factory=list)  # (what, who, by)
    evidence_due_on: date | None = None


def validate_decision(portfolio: Portfolio, details: DecisionDetails,
                      today: date) -> DecisionCode:
    """The decision code, once the details make a complete decision for this portfolio."""
    codes = {c.code: c for c in decision_codes(portfolio.programme_id)}
    code = codes.get(details.code)
    if code is None:
        raise PanelError("Choose a decision", "code")
    if not details.rationale.strip():
        raise PanelError("Write the rationale for the decision", "rationale")
    domains = {e.id for f in portfolio.frameworks if f.code == "pcf"
               for e in f.elements if e.depth == 0}
    if not details.domain_ids:
        raise PanelError("Choose the framework domains the rationale refers to", "domain_ids")
    if not set(details.domain_ids) <= domains:
        raise PanelError("Choose domains of the portfolio's framework", "domain_ids")
    if code.outcome != Outcome.APPROVED.value and not details.actions:
        raise PanelError("Add at least one action with an owner and a deadline", "actions")
    for what, who, by in details.actions:
        if not what.strip() or not who.strip() or by is None:
            raise PanelError("Each action needs a description, an owner and a deadline",
                             "actions")
    if code.outcome == Outcome.DEFERRED.value and (
            details.evidence_due_on is None or details.evidence_due_on <= today):
        raise PanelError("Enter a future date by which the further evidence is due",
                         "evidence_due_on")
    return code


def decision_row(actor: User, item: AgendaItem, code: DecisionCode, details: DecisionDetails,
                 corrects: PanelDecision | None = None,
                 reason: str | None = None) -> PanelDecision:
    """A new decision record (an original, or a correction of `corrects`), added."""
    decision = PanelDecision(
        agenda_item_id=item.id, portfolio_id=item.portfolio_id, decision_code=code.code,
        decision_label=code.label, outcome=code.outcome, rationale=details.rationale.strip(),
        evidence_due_on=details.evidence_due_on if code.outcome == Outcome.DEFERRED.value
        else None,
        decided_by_id=actor.id, corrects_id=corrects.id if corrects else None,
        correction_reason=reason,
    )
    decision.domains = [DecisionDomain(element_id=d) for d in sorted(set(details.domain_ids))]
    decision.actions = [DecisionAction(description=w.strip(), owner=o.strip(), due_on=b)
                        for w, o, b in details.actions]
    db.session.add(decision)
    return decision


def record_decision(chair: User, item: AgendaItem, expected_version: int,
                    details: DecisionDetails, today: date) -> PanelDecision:
    """Record the panel's decision: by the chair, on or after the panel's date, with
    attendance recorded and a quorum (see `attendance`), never by a chair with a conflict
    of interest. If someone else decided since the chair loaded the page (the item's
    version moved on), nothing is written and DecisionConflict says so."""
    panel = item.panel
    if panel.chair_id != chair.id:
        raise PanelError("Only the panel chair can record the decision")
    if item.version != expected_version or item.state != "waiting":
        raise DecisionConflict(CONFLICT_MESSAGE)
    check_ready_to_decide(chair, item, today)
    portfolio = item.portfolio
    code = validate_decision(portfolio, details, today)
    item.state = "decided"
    try:
        db.session.flush()  # bumps the version; a concurrent writer fails here
    except StaleDataError as error:
        raise DecisionConflict(CONFLICT_MESSAGE) from error
    decision = decision_row(chair, item, code, details)
    db.session.flush()
    portfolio_operations.decide(chair, portfolio, code.outcome, decision.id)
    apply_outcome(decision, portfolio, today)
    audit.record(chair, "panel_decision_recorded", decision,
                 organisation_id=panel.organisation_id, outcome=code.outcome,
                 agenda_item_id=item.id)
    tell_everyone(decision, portfolio, "The panel has recorded a decision on your portfolio.")
    return decision


def apply_outcome(decision: PanelDecision, portfolio: Portfolio, today: date) -> None:
    """An approval records the career level the programme leads to; a deferral opens a
    support plan."""
    if decision.outcome in {Outcome.APPROVED.value, Outcome.APPROVED_WITH_ACTIONS.value}:
        level_code = portfolio.programme.target_level or portfolio.programme.code
        level = db.session.scalar(select(FrameworkLevel).where(
            FrameworkLevel.code == level_code,
            FrameworkLevel.framework_id.in_([f.id for f in portfolio.frameworks])))
        title = (f"{level.title} completed" if portfolio.programme.kind == "asye" and level
                 else (level.title if level else portfolio.programme.name))
        db.session.add(CareerLevelRecord(user_id=portfolio.candidate_id, level_code=level_code,
                                         level_title=title, achieved_on=today,
                                         decision_id=decision.id))
        db.session.flush()
    elif decision.outcome == Outcome.DEFERRED.value:
        deferrals.open_support_plan(decision, portfolio, today)


def tell_everyone(decision: PanelDecision, portfolio: Portfolio, message: str) -> None:
    notify(portfolio.candidate_id, message, f"/decisions/{decision.id}")
    assessor = current_staff(portfolio.candidate_id, AssignmentRole.ASSESSOR)
    if assessor is not None:
        notify(assessor.id, "A panel decision has been recorded for one of your candidates.",
               f"/portfolios/{portfolio.id}")


def latest_decision(item: AgendaItem) -> PanelDecision | None:
    return db.session.scalar(select(PanelDecision).where(
        PanelDecision.agenda_item_id == item.id).order_by(PanelDecision.id.desc()))
