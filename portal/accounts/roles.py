"""The roles a person can hold in the portal. A user may hold several."""

import enum


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    ASSESSOR = "assessor"
    LINE_MANAGER = "line_manager"
    PANEL_MEMBER = "panel_member"
    PANEL_CHAIR = "panel_chair"
    PROGRAMME_LEAD = "programme_lead"
    ADMINISTRATOR = "administrator"
    EXTERNAL_MODERATOR = "external_moderator"
    # Above the councils: adds councils and their first administrator. Given only from the
    # command line (`flask councils make-service-administrator`), never by a council.
    SERVICE_ADMINISTRATOR = "service_administrator"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @classmethod
    def parse(cls, text: str) -> "Role":
        """Accept a code ('line_manager') or a label ('Line manager'), any case."""
        wanted = text.strip().lower().replace("-", " ").replace("_", " ")
        for role in cls:
            if wanted in {role.value.replace("_", " "), role.label.lower()}:
                return role
        raise ValueError(f"'{text.strip()}' is not a role")


ROLE_LABELS = {
    Role.CANDIDATE: "Candidate (NQSW or social worker)",
    Role.ASSESSOR: "Assessor (practice educator)",
    Role.LINE_MANAGER: "Line manager",
    Role.PANEL_MEMBER: "Panel member",
    Role.PANEL_CHAIR: "Panel chair",
    Role.PROGRAMME_LEAD: "Programme lead",
    Role.ADMINISTRATOR: "Administrator",
    Role.EXTERNAL_MODERATOR: "External moderator",
    Role.SERVICE_ADMINISTRATOR: "Service administrator (all councils)",
}

# The roles a council's administrator can give (in the form or an imported file).
COUNCIL_ROLES = tuple(role for role in Role if role is not Role.SERVICE_ADMINISTRATOR)
