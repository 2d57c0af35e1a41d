"""Who may read a review report."""

from portal.accounts.models import User
from portal.assignments.access import assesses, manages
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport


def can_view_report(user: User, report: ReviewReport, portfolio: Portfolio) -> bool:
    """Assessor (current or past), line manager, and the candidate once it is signed off."""
    if portfolio.candidate_id == user.id:
        return report.state == "signed_off"
    return assesses(user, portfolio.candidate_id, include_past=True) or manages(
        user, portfolio.candidate_id)
