"""Keeping the candidate anonymous to panel members until the chair reveals who they are:
the candidate's, their team's and their assessor's names are blanked out of free text."""

import re

from portal.panels.models import AgendaItem


def _word_pattern(words) -> re.Pattern | None:
    words = sorted({w for w in words if w and len(w) >= 2}, key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.IGNORECASE)


def anonymiser(item: AgendaItem):
    """A function that blanks the candidate's, their team's and their assessor's names out
    of free text (reflections, reports), or None once identity is revealed."""
    if item.identity_revealed_at is not None:
        return None
    candidate = item.portfolio.candidate
    assessor = item.report.assessor
    replacements = []
    if candidate.team is not None:
        replacements.append((_word_pattern([candidate.team.name]), "[team]"))
    if assessor is not None:
        replacements.append((_word_pattern([assessor.name]), "the assessor"))
        replacements.append((_word_pattern(assessor.name.split()), "[assessor]"))
    replacements.append((_word_pattern([candidate.name]), item.reference))
    replacements.append((_word_pattern(candidate.name.split()), item.reference))

    def anonymise(text):
        if not text:
            return text
        for pattern, replacement in replacements:
            if pattern is not None:
                text = pattern.sub(replacement, text)
        return text

    return anonymise
