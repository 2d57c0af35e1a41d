"""What each irreversible assessment action says on its confirmation page, before the
person confirms it (portal.core.confirm). Plain text only: the page template lays it out."""

from flask import url_for

from portal.assessment.models import FeedbackRequest, Observation
from portal.assessment.reports import operations as reports
from portal.core.confirm import Confirmation
from portal.portfolios.models import Portfolio


def sign_off_confirmation(observation: Observation) -> Confirmation:
    back = url_for("observations.show", observation_id=observation.id)
    return Confirmation(
        question="Are you sure you want to sign off this observation?",
        caption=f"Direct observation of {observation.candidate.name}",
        consequences=(
            "The observation will be locked: nobody can change it afterwards, including "
            "the candidate's reflection.",
            "It will be added to the candidate's evidence log and to their portfolio.",
        ),
        action_url=url_for("observations.sign_off", observation_id=observation.id),
        button="Yes, sign off and lock it", cancel_url=back,
        cancel_text="No, go back to the observation", destructive=False)


def report_sign_off_confirmation(report, portfolio: Portfolio) -> Confirmation:
    """Says what signing off will set in motion for this report: the review point it
    completes, the recommendation that goes to the panel, a support plan it opens."""
    candidate = portfolio.candidate.name
    consequences = [
        "The report will be locked: nobody can change it afterwards.",
        f"{candidate} will be told, and can read it and add their response. Their line "
        "manager can read it too.",
    ]
    if report.is_final:
        choices = reports.recommendation_choices(portfolio)
        consequences.append(
            "Your recommendation (" + choices.get(report.recommendation or "", "none") +
            ") goes with the portfolio to the panel.")
    else:
        consequences.append(f"The review point will be marked complete and {candidate} "
                            "can carry on with their portfolio.")
    concerns = sum(1 for rating in report.ratings if rating.rating == "not_on_track")
    if concerns:
        consequences.append(
            "A support plan will be opened, because "
            + ("1 domain is" if concerns == 1 else f"{concerns} domains are")
            + " rated not on track.")
    return Confirmation(
        question="Are you sure you want to sign off this report?",
        caption=f"Review report for {candidate}",
        consequences=tuple(consequences),
        action_url=url_for("reports.sign_off", report_id=report.id),
        button="Yes, sign off the report",
        cancel_url=url_for("reports.show", report_id=report.id),
        cancel_text="No, go back to the draft", destructive=False)


def cancel_link_confirmation(link: FeedbackRequest) -> Confirmation:
    return Confirmation(
        question=f"Are you sure you want to cancel the link ‘{link.label}’?",
        caption="Feedback from people without an account",
        consequences=(
            "The link will stop working straight away: the person you sent it to will not "
            "be able to give feedback with it.",
            "You can make a new link afterwards if you need one.",
        ),
        action_url=url_for("outside.cancel", request_id=link.id),
        button="Yes, cancel the link", cancel_url=url_for("outside.index"),
        cancel_text="No, keep the link working")
