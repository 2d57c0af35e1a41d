"""A demo candidate the lead's home shows with concerns: Tom Fletcher's 3-month review
found one domain not on track, which opened a support plan. Added once; running the seed
again changes nothing."""

from datetime import date

from sqlalchemy import select

from portal.assessment.reports import operations as reports
from portal.core.db import db
from portal.portfolios import operations
from portal.portfolios.models import Portfolio, PortfolioState
from portal.portfolios.reviews.models import ReviewReport

NOT_ON_TRACK = "6"  # Critical reflection and analysis
WHY = ("Case recordings describe what happened but rarely what Tom made of it or how it "
       "changed his plan.")


def seed_demo_concern(candidate, assessor) -> bool:
    """The agreement done, the 3-month review submitted, assessed and signed off with
    critical reflection not on track (the sign-off opens the support plan)."""
    portfolio = db.session.scalar(select(Portfolio).where(
        Portfolio.candidate_id == candidate.id))
    if portfolio is None or portfolio.state != PortfolioState.DRAFT.value or \
            db.session.scalar(select(ReviewReport.id).where(
                ReviewReport.portfolio_id == portfolio.id).limit(1)) is not None:
        return False
    agreement = next(p for p in portfolio.review_points if p.code == "agreement")
    operations.complete_review_point(assessor, agreement, date(2026, 3, 27))
    operations.submit_for_review_point(candidate, portfolio, "three-month", [])
    report = reports.start_assessment(assessor, portfolio)
    ratings = {
        domain.id: ("not_on_track", WHY) if domain.code == NOT_ON_TRACK else ("on_track", "")
        for domain in reports.pcf_domains(portfolio)
    }
    reports.save_draft(assessor, report, reports.ReportContent(
        summary="Warm, reliable practice with people on the ward; reflection needs work.",
        ratings=ratings))
    reports.sign_off(assessor, report)
    return True
