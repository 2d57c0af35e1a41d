"""The demo council: realistic people, teams, programmes and cohorts (all fictional)."""

from datetime import date

from portal.accounts.passwords import DEMO_PASSWORD  # noqa: F401 (the demo's, published)
from portal.accounts.roles import Role
from portal.organisations.models import EntryRoute

COUNCIL = ("Northshire County Council", "Northshire")
DOMAIN = "northshire.example.org"

TEAMS = [
    "Children in Need North",
    "Children in Need South",
    "Adults Community East",
    "Hospital Discharge",
    "Social Work Academy",
]

# Shipped programme templates (portal/programmes/data) the demo council runs.
PROGRAMMES = ["asye-child-family", "asye-adults", "epd", "progression-senior"]

COHORTS = [
    ("ASYE children's services September 2026", "asye-child-family", date(2026, 9, 7),
     EntryRoute.UNIVERSITY),
    ("ASYE adults March 2026", "asye-adults", date(2026, 3, 2), EntryRoute.APPRENTICESHIP),
    ("ASYE children's services Frontline January 2026", "asye-child-family", date(2026, 1, 12),
     EntryRoute.FRONTLINE),
    # Finished cohorts from before the portal, so the retention report has people whose
    # 12 and 24 months have passed (portal.demo.retention_data).
    ("ASYE children's services Step Up September 2023", "asye-child-family", date(2023, 9, 4),
     EntryRoute.STEP_UP),
    ("ASYE adults September 2024", "asye-adults", date(2024, 9, 2), EntryRoute.UNIVERSITY),
]

# (name, email local part, roles, team)
PEOPLE = [
    ("Amara Okafor", "candidate", {Role.CANDIDATE}, "Children in Need North"),
    ("Priya Nair", "priya.nair", {Role.CANDIDATE}, "Children in Need South"),
    ("Jordan Price", "jordan.price", {Role.CANDIDATE}, "Adults Community East"),
    ("Tom Fletcher", "tom.fletcher", {Role.CANDIDATE}, "Hospital Discharge"),
    ("Chloe Williams", "chloe.williams", {Role.CANDIDATE}, "Children in Need North"),
    ("Helen Shaw", "assessor", {Role.ASSESSOR}, "Social Work Academy"),
    ("David Mensah", "david.mensah", {Role.ASSESSOR, Role.PANEL_MEMBER}, "Social Work Academy"),
    ("Rachel Green", "manager", {Role.LINE_MANAGER}, "Children in Need North"),
    ("Imran Khan", "panel", {Role.PANEL_MEMBER}, "Adults Community East"),
    ("Sarah Lewis", "sarah.lewis", {Role.PANEL_MEMBER}, "Children in Need South"),
    ("Margaret Doyle", "chair", {Role.PANEL_CHAIR, Role.PANEL_MEMBER}, None),
    ("Grace Adeyemi", "lead", {Role.PROGRAMME_LEAD}, "Social Work Academy"),
    ("Ben Carter", "admin", {Role.ADMINISTRATOR}, "Social Work Academy"),
    ("Ruth Ellis", "moderator", {Role.EXTERNAL_MODERATOR}, None),
    # Above the councils: adds councils (Councils in the menu).
    ("Owen Hughes", "service", {Role.SERVICE_ADMINISTRATOR}, None),
]

# (email local part, cohort name, joined on)
MEMBERSHIPS = [
    ("candidate", "ASYE children's services September 2026", date(2026, 9, 7)),
    ("priya.nair", "ASYE children's services September 2026", date(2026, 9, 7)),
    ("jordan.price", "ASYE adults March 2026", date(2026, 3, 2)),
    ("tom.fletcher", "ASYE adults March 2026", date(2026, 3, 16)),
    ("chloe.williams", "ASYE children's services Frontline January 2026", date(2026, 1, 12)),
]

# What the ASYE claim list reads (Reports > ASYE claim list): (email local part, qualified
# on, Social Work England number, registered for the ASYE on). Priya has no number yet and
# Jordan qualified more than four years before starting, so the list has lines to check.
REGISTRATIONS = [
    ("candidate", date(2026, 6, 30), "SW204518", date(2026, 9, 14)),
    ("priya.nair", date(2026, 7, 10), None, date(2026, 9, 14)),
    ("jordan.price", date(2021, 7, 1), "SW176203", date(2026, 3, 9)),
    ("tom.fletcher", date(2025, 11, 28), "SW199841", date(2026, 3, 23)),
    ("chloe.williams", date(2025, 12, 19), "SW201377", date(2026, 1, 19)),
]


# (candidate, staff member, role, from)
ASSIGNMENTS = [
    ("candidate", "assessor", "assessor", date(2026, 9, 7)),
    ("priya.nair", "assessor", "assessor", date(2026, 9, 7)),
    ("jordan.price", "david.mensah", "assessor", date(2026, 3, 2)),
    ("tom.fletcher", "david.mensah", "assessor", date(2026, 3, 16)),
    ("chloe.williams", "assessor", "assessor", date(2026, 1, 12)),
    ("candidate", "manager", "line_manager", date(2026, 9, 7)),
    ("priya.nair", "manager", "line_manager", date(2026, 9, 7)),
    ("chloe.williams", "manager", "line_manager", date(2026, 1, 12)),
]


def email_for(local_part: str) -> str:
    return f"{local_part}@{DOMAIN}"
