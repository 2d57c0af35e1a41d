"""Where a candidate is in their programme, for their home page: the next thing to do,
the panel's outcome once there is one (a deferral's deadline and actions with it) and
any support plan still open.

Everything is derived from what the portfolio already records (its state, its review
points, the reports on its submissions, the panel agenda it waits on, its decisions);
nothing here is stored, so nothing can fall out of step.
"""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row

from portal.assessment.support_plans import queries as support_plan_queries
from portal.core.dates import UK
from portal.home import candidate_queries as queries
from portal.panels.corrections import review_window_closes
from portal.panels.models import PanelDecision
from portal.portfolios.models import PortfolioState
from portal.programmes.models import Outcome

OUTCOME_LABELS = {
    Outcome.APPROVED: "Approved",
    Outcome.APPROVED_WITH_ACTIONS: "Approved with actions",
    Outcome.DEFERRED: "Deferred",
    Outcome.NOT_APPROVED: "Not approved",
}
OUTCOME_COLOURS = {
    Outcome.APPROVED: "govuk-tag--green",
    Outcome.APPROVED_WITH_ACTIONS: "govuk-tag--green",
    Outcome.DEFERRED: "govuk-tag--yellow",
    Outcome.NOT_APPROVED: "govuk-tag--red",
}


class NextStep(enum.StrEnum):
    """The next thing in the candidate's year (the home page words each one)."""

    SUBMIT_FOR_REVIEW = "submit_for_review"
    SUBMIT_FOR_PANEL = "submit_for_panel"
    WAITING_FOR_ASSESSOR = "waiting_for_assessor"
    ASSESSOR_WRITING = "assessor_writing"
    WAITING_FOR_PANEL = "waiting_for_panel"
    AT_PANEL = "at_panel"
    RETURNED = "returned"
    DEFERRED = "deferred"
    DECIDED = "decided"


@dataclass(frozen=True)
class PanelOutcome:
    decision: PanelDecision
    label: str
    colour: str
    decided_on: date
    review_until: date | None  # a candidate may ask for a review until then

    @property
    def deferred(self) -> bool:
        return self.decision.outcome == Outcome.DEFERRED.value


@dataclass(frozen=True)
class PortfolioStatus:
    portfolio_id: int
    programme: str
    step: NextStep
    final: bool = False  # the step is about the final portfolio, not a review point
    review_point: str | None = None  # the review point's title
    due_on: date | None = None
    overdue: bool = False
    submitted_on: date | None = None
    panel_on: date | None = None
    report_id: int | None = None  # the report that returned the submission
    outcome: PanelOutcome | None = None


@dataclass(frozen=True)
class CandidateStatus:
    portfolios: list[PortfolioStatus]
    support_plans: Sequence[Row]


def _outcome(decision: PanelDecision | None, today: date) -> PanelOutcome | None:
    if decision is None:
        return None
    outcome = Outcome(decision.outcome)
    window = review_window_closes(decision)
    return PanelOutcome(decision=decision, label=OUTCOME_LABELS[outcome],
                        colour=OUTCOME_COLOURS[outcome],
                        decided_on=decision.decided_at.astimezone(UK).date(),
                        review_until=window if outcome == Outcome.NOT_APPROVED
                        and today <= window else None)


def _step(row: Row, points: list[Row], outcome: PanelOutcome | None,
          today: date) -> dict:
    """The next step's fields for one portfolio (see PortfolioStatus)."""
    state = PortfolioState(row.state)
    final = row.purpose == "panel"
    titles = {point.code: point.title for point in points}
    if state == PortfolioState.DRAFT:
        # Optional review points are offered on the portfolio page, never chased here.
        point = next((p for p in points if not p.optional), None)
        due_on = point.due_on if point else None
        step = (NextStep.SUBMIT_FOR_PANEL if point is None or point.is_final
                else NextStep.SUBMIT_FOR_REVIEW)
        return {"step": step, "final": step == NextStep.SUBMIT_FOR_PANEL,
                "review_point": point.title if point else None, "due_on": due_on,
                "overdue": bool(due_on and due_on < today)}
    submitted = {"final": final, "review_point": titles.get(row.review_point_code),
                 "submitted_on": row.submitted_at.astimezone(UK).date()
                 if row.submitted_at else None}
    if state in (PortfolioState.SUBMITTED_FOR_REVIEW, PortfolioState.SUBMITTED_FOR_PANEL):
        return {"step": NextStep.WAITING_FOR_ASSESSOR, **submitted}
    if state == PortfolioState.UNDER_ASSESSMENT:
        # Only a final report stays under assessment once signed off: until a panel.
        if row.report_state == "signed_off":
            return {"step": NextStep.WAITING_FOR_PANEL, "final": True}
        return {"step": NextStep.ASSESSOR_WRITING, **submitted}
    if state == PortfolioState.AT_PANEL:
        return {"step": NextStep.AT_PANEL, "final": True, "panel_on": row.panel_on}
    if state == PortfolioState.RETURNED:
        # Returned by a deferral, unless the assessor has returned a submission since
        # (a report newer than the final report the panel read).
        if outcome and outcome.deferred and (
                row.returned_report_id is None
                or row.returned_report_id < outcome.decision.agenda_item.report_id):
            due_on = outcome.decision.evidence_due_on
            return {"step": NextStep.DEFERRED, "final": True, "due_on": due_on,
                    "overdue": due_on < today}
        return {"step": NextStep.RETURNED, "report_id": row.returned_report_id}
    return {"step": NextStep.DECIDED, "final": True}


def candidate_status(candidate_id: int, today: date) -> CandidateStatus:
    """Where the candidate is on each of their portfolios, newest first, and their open
    support plans: five queries whatever the candidate has."""
    plans = support_plan_queries.open_plans_of(candidate_id)
    rows = queries.portfolios(candidate_id)
    if not rows:
        return CandidateStatus(portfolios=[], support_plans=plans)
    points: dict[int, list[Row]] = {}
    for point in queries.review_points_to_do(candidate_id):
        points.setdefault(point.portfolio_id, []).append(point)
    decisions = {d.portfolio_id: d for d in queries.latest_decisions(candidate_id)}
    statuses = []
    for row in rows:
        outcome = _outcome(decisions.get(row.id), today)
        statuses.append(PortfolioStatus(
            portfolio_id=row.id, programme=row.programme, outcome=outcome,
            **_step(row, points.get(row.id, []), outcome, today)))
    return CandidateStatus(portfolios=statuses, support_plans=plans)
