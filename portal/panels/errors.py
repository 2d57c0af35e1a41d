"""The panel workflow's refusals, with messages fit to show the person acting."""


class PanelError(ValueError):
    """A change the panel workflow refuses; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DecisionConflict(PanelError):
    """Someone else recorded a decision first; the loser's text is kept by the view."""
