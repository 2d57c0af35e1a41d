"""What a deferral starts for the candidate besides the new deadline: a support plan."""

from datetime import date

from portal.assessment.support_plans import operations as support_plans
from portal.panels.models import PanelDecision
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import SupportPlan


def open_support_plan(decision: PanelDecision, portfolio: Portfolio,
                      today: date) -> SupportPlan | None:
    """Open a support plan after the panel deferred: about the domains the panel named,
    first reviewed by the earliest of its actions' deadlines and the evidence deadline."""
    domains = sorted((d.element for d in decision.domains), key=lambda e: (e.position, e.id))
    deadlines = [action.due_on for action in decision.actions] + [decision.evidence_due_on]
    return support_plans.open_after_deferral(
        portfolio, report_id=decision.agenda_item.report_id, decision_id=decision.id,
        concerns="; ".join(element.name for element in domains),
        review_on=min(deadlines), today=today)
