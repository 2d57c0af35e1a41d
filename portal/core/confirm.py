"""The confirmation page in front of an action that cannot easily be undone.

The GOV.UK pattern: the action's button is a link to a GET page that says what will happen
and holds the one button (a CSRF-protected POST) that does it. Views answer the GET with
`confirmation_page(...)` and do the action on the POST; no JavaScript dialog is involved.
"""

from dataclasses import dataclass

from portal.core.htmx import render


@dataclass(frozen=True)
class Confirmation:
    question: str  # the page's heading: "Are you sure you want to ...?"
    action_url: str  # where the button posts
    button: str  # says what it does: "Yes, remove them from the cohort"
    cancel_url: str  # back to where the person came from
    consequences: tuple[str, ...] = ()  # what will happen, one sentence each
    warning: str | None = "You cannot undo this."
    caption: str | None = None
    destructive: bool = True  # a red button for removing, ending or locking something
    cancel_text: str = "Cancel"
    # Sent with the button: what the person saw, so the action can refuse if it changed.
    hidden_fields: tuple[tuple[str, str], ...] = ()


def confirmation_page(confirmation: Confirmation, status: int = 200):
    return render("components/confirm.html", confirmation=confirmation, status=status)
