"""What each irreversible portfolio action says on its confirmation page
(portal.core.confirm), before the candidate confirms it."""

from flask import url_for

from portal.core.confirm import Confirmation
from portal.portfolios.models import Portfolio


def withdraw_confirmation(portfolio: Portfolio) -> Confirmation:
    back = url_for("portfolios.show", portfolio_id=portfolio.id)
    purpose = ("the panel" if portfolio.current_snapshot.purpose == "panel"
               else "your review point")
    return Confirmation(
        question="Are you sure you want to withdraw your submission?",
        caption=f"Your submission for {purpose}",
        consequences=(
            "Your assessor will not assess what you submitted.",
            "Your portfolio goes back to being in progress: you can carry on working on it "
            "and submit it again.",
            "The submitted copy stays in your portfolio's history, marked as withdrawn.",
        ),
        action_url=url_for("portfolios.withdraw", portfolio_id=portfolio.id),
        button="Yes, withdraw my submission", cancel_url=back,
        cancel_text="No, keep it submitted")
