"""The one error partnership operations raise: a sentence for the person, and the form
field it belongs to when there is one."""


class PartnershipError(Exception):
    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field
