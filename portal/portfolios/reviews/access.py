"""Who may read a review report: the visibility table's row for review reports."""

from portal.accounts.models import User
from portal.portfolios.models import Portfolio
from portal.portfolios.reviews.models import ReviewReport
from portal.visibility import Kind, Viewer, viewer


def can_view_report(user: User, report: ReviewReport, portfolio: Portfolio,
                    seen_by: Viewer | None = None) -> bool:
    """Whoever the table lets read review reports (a previous assessor those written up
    to their reassignment); the candidate once it is signed off. Pass `seen_by` when the
    page already knows how the user stands to the candidate."""
    seen_by = seen_by or viewer(user, portfolio.candidate_id)
    if seen_by.is_candidate and report.state != "signed_off":
        return False
    return seen_by.candidate_id == portfolio.candidate_id and seen_by.can_read(
        Kind.REVIEW_REPORT, report.created_at)
