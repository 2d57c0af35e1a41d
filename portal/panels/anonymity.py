"""Keeping the candidate anonymous to panel members until the chair reveals who they are:
the names of the candidate, their team and everyone who has assessed or line-managed them
are blanked out of free text.

People write names in more ways than one: "Priya Nair", "Priya_Nair", "PriyaNair",
"priya.nair" or inside a file name ("priya_nair_statement.pdf"). A name's parts may be
joined by spaces, underscores, dots, hyphens or nothing, and a part counts as a word when
no letter or digit touches it (so an underscore or dot ends a word, as it does for a
reader; Python's own word boundary treats the underscore as a letter).
"""

import re

from sqlalchemy import select

from portal.accounts.models import User
from portal.assignments.models import Assignment, AssignmentRole
from portal.core.db import db
from portal.panels.models import AgendaItem

# Not preceded / not followed by a letter or digit (any alphabet); `_` counts as a gap.
_START = r"(?<![^\W_])"
_END = r"(?![^\W_])"
_JOIN = r"[\s_.\-]*"

# Who else's names are blanked, and what a member reads instead.
_STAFF_LABELS = {AssignmentRole.ASSESSOR.value: ("the assessor", "[assessor]"),
                 AssignmentRole.LINE_MANAGER.value: ("the line manager", "[line manager]")}


def _name_forms(name: str) -> list[str]:
    """The whole name (its parts joined however people join them), then each part."""
    parts = [part for part in re.split(r"[\s_.\-]+", name or "") if len(part) >= 2]
    whole = _JOIN.join(re.escape(part) for part in parts) if len(parts) > 1 else None
    return ([whole] if whole else []) + [re.escape(part) for part in parts]


def _pattern(forms: list[str]) -> re.Pattern | None:
    if not forms:
        return None
    return re.compile(_START + "(?:" + "|".join(forms) + ")" + _END, re.IGNORECASE)


def _replacements_for(name: str, whole_label: str, part_label: str) -> list:
    """Blank the whole name as `whole_label` first, then any single part as `part_label`."""
    forms = _name_forms(name)
    if not forms:
        return []
    parts_only = forms[1:] if len(forms) > 1 else forms
    whole = forms[:1] if len(forms) > 1 else []
    return [(_pattern(whole), whole_label), (_pattern(parts_only), part_label)]


def _staff_names(candidate_id: int) -> list[tuple[str, str]]:
    """(name, assignment role) of everyone who has assessed or line-managed the candidate,
    past or present: a reflection may name a previous manager."""
    return db.session.execute(
        select(User.name, Assignment.role).join(Assignment, Assignment.staff_id == User.id)
        .where(Assignment.candidate_id == candidate_id).distinct()).all()


def anonymiser(item: AgendaItem):
    """A function that blanks the names the portal knows out of free text (reflections,
    reports, decisions), or None once identity is revealed."""
    if item.identity_revealed_at is not None:
        return None
    candidate = item.portfolio.candidate
    staff = {(name, role) for name, role in _staff_names(candidate.id)}
    if item.report.assessor is not None:
        staff.add((item.report.assessor.name, AssignmentRole.ASSESSOR.value))
    replacements = []
    if candidate.team is not None:
        replacements.append((_pattern([_JOIN.join(
            re.escape(part) for part in candidate.team.name.split())]), "[team]"))
    # Longer names first, so "Helen Shaw" goes before a part another person shares.
    for name, role in sorted(staff, key=lambda pair: len(pair[0]), reverse=True):
        replacements += _replacements_for(name, *_STAFF_LABELS[role])
    replacements += _replacements_for(candidate.name, item.reference, item.reference)

    def anonymise(text):
        if not text:
            return text
        for pattern, replacement in replacements:
            if pattern is not None:
                text = pattern.sub(replacement, text)
        return text

    return anonymise
