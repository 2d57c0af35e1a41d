"""Keeping the candidate anonymous to panel members until the chair reveals who they are:
free text (reflections, reports, decisions) goes through the redaction engine
(portal.redaction), with every proposal accepted. The candidate is called by the agenda
item's reference, as everywhere else on the panel's pages; people the portal does not know
are numbered ([Child 1], [Person 1]) consistently on one page."""

from portal.panels.models import AgendaItem
from portal.redaction.engine import redact
from portal.redaction.labels import Kind, Numbering
from portal.redaction.people import known_names


def anonymiser(item: AgendaItem):
    """A function that blanks identifying details out of free text, or None once identity
    is revealed."""
    if item.identity_revealed_at is not None:
        return None
    extra = ((item.report.assessor, Kind.ASSESSOR),) if item.report.assessor else ()
    known = known_names(item.portfolio.candidate, extra)
    labels = {Kind.CANDIDATE: item.reference}
    numbering = Numbering()

    def anonymise(text):
        return redact(text, known, numbering, labels) if text else text

    return anonymise
