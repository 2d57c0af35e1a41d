"""Moderation's refusals, with messages fit to show the person acting."""


class ModerationError(ValueError):
    """A change moderation refuses; `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
