"""The panel members' view goes through the redaction engine: the line manager's name, a
name joined or in a file name, and people the portal does not know are all blanked."""

from datetime import date

from portal.assignments.models import AssignmentRole
from portal.assignments.operations import assign
from portal.core.db import db, utcnow
from portal.panels.anonymity import anonymiser
from portal.panels.models import AgendaItem
from tests import factories


def test_every_form_and_every_layer_is_blanked(council, panel_with_item):
    _panel, item = panel_with_item
    item = db.session.get(AgendaItem, item.id)
    candidate = item.portfolio.candidate
    candidate.name = "Aisha Singh"
    manager = factories.user(council["org"], roles=["line_manager"], name="Tomasz Wojcik")
    assign(council["lead"], candidate, manager, AssignmentRole.LINE_MANAGER, date(2025, 9, 1))
    db.session.commit()
    anonymise = anonymiser(item)
    text = ("AishaSingh and aisha.singh uploaded Aisha_Singh_court-statement.pdf; "
            "Tomasz Wojcik's view; her son Leo (4) at 14 Mill Lane, LS6 2AB, NHS 943 476 5919.")
    hidden = anonymise(text)
    assert hidden == (
        f"{item.reference} and {item.reference} uploaded {item.reference}_court-statement.pdf; "
        "[Line manager]'s view; her son [Child 1] (4) at [Address], [Postcode], "
        "NHS [NHS number].")
    assert f"{council['org'].name} pays" not in anonymise(f"{council['org'].name} pays")


def test_nothing_is_blanked_once_identity_is_revealed(council, panel_with_item):
    _panel, item = panel_with_item
    item = db.session.get(AgendaItem, item.id)
    item.identity_revealed_at = utcnow()
    assert anonymiser(item) is None
