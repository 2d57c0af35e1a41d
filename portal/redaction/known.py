"""Layer 1: the names the portal knows (the candidate, everyone who has assessed or
line-managed them, their team and council), in the forms people write them.

A name's parts may be joined by spaces, underscores, dots, hyphens or nothing ("Aisha
Singh", "Aisha_Singh", "AishaSingh", "aisha.singh", "Aisha_Singh_court-statement.pdf"), and
a part counts as a word when no letter or digit touches it (an underscore or dot ends a
word, as it does for a reader; Python's own word boundary treats the underscore as a
letter). Initials ("A.S.", "A. Singh", "Aisha S.") and each part alone are found too; a
possessive keeps its "'s" after the label.
"""

import re
from dataclasses import dataclass

from portal.redaction.labels import Kind

START = r"(?<![^\W_])"
END = r"(?![^\W_])"
JOIN = r"[\s_.\-]*"
# Bare capitals that are English words are never read as someone's initials.
WORDS_IN_CAPITALS = {"AS", "AT", "BE", "BY", "DO", "GO", "HE", "IF", "IN", "IS", "IT", "ME",
                     "MY", "NO", "OF", "OH", "ON", "OR", "SO", "TO", "UP", "US", "WE", "AM",
                     "AN", "OK", "ID", "GP", "SW", "NQ", "LA", "CP", "CIN", "LAC", "PE"}


@dataclass(frozen=True)
class KnownName:
    """A name the portal knows and what it is: a person's or an organisation's."""

    name: str
    kind: Kind


def name_parts(name: str) -> list[str]:
    return [part for part in re.split(r"[\s_.\-]+", name or "") if part]


def _whole(parts: list[str]) -> str:
    return JOIN.join(re.escape(part) for part in parts)


WHOLE, INITIALS, PART = "whole", "initials", "part"
FLAGS = {WHOLE: re.IGNORECASE, INITIALS: 0, PART: re.IGNORECASE}


def person_patterns(name: str) -> list[tuple[re.Pattern, bool]]:
    """(pattern, a single part?) for a person's name: the whole first, then initials with a
    part, then each part alone (a part alone must be capitalised, so "Hope" the person is
    found and "hope" the word is not), then dotted or bare initials."""
    parts = [part for part in name_parts(name) if len(part) >= 2]
    if not parts:
        return []
    found = []
    if len(parts) > 1:
        first, last = parts[0], parts[-1]
        found.append((_whole(parts), WHOLE))
        found.append((rf"{first[0]}\.?\s?{re.escape(last)}", INITIALS))   # A. Singh
        found.append((rf"{re.escape(first)}\s{last[0]}\.", INITIALS))  # Aisha S.
        initials = "".join(part[0].upper() for part in parts)
        found.append((r"\.?\s?".join(initials) + r"\.", INITIALS))  # A.S. / A. S.
        if initials not in WORDS_IN_CAPITALS:
            # AS, but not the start of a code ("TW 66 38 25 A" is an NI number)
            found.append((initials + r"(?!\s?\d)", INITIALS))
    found += [(re.escape(part), PART) for part in parts]
    return [(re.compile(START + f"(?:{pattern})" + END, FLAGS[form]), form == PART)
            for pattern, form in found]


def organisation_pattern(name: str) -> re.Pattern | None:
    parts = name_parts(name)
    if not parts:
        return None
    return re.compile(START + "(?:" + _whole(parts) + ")" + END, re.IGNORECASE)


def part_is_written_as_a_name(text: str, start: int, end: int) -> bool:
    """A single name part counts when capitalised, or when it sits in a file name or a
    joined form (an underscore, dot or hyphen touching it)."""
    if text[start].isupper():
        return True
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (bool(before) and before in "_.-") or (bool(after) and after in "_.-")


def find_known(text: str, names: list[KnownName]):
    """Yield (start, end, kind) for every form of every known name; longer names first, so
    "Helen Shaw" is taken whole before a part another person shares."""
    for known in sorted(names, key=lambda n: len(n.name), reverse=True):
        if known.kind in (Kind.TEAM, Kind.COUNCIL):
            pattern = organisation_pattern(known.name)
            patterns = [(pattern, False)] if pattern else []
        else:
            patterns = person_patterns(known.name)
        for pattern, single_part in patterns:
            for match in pattern.finditer(text):
                if single_part and not part_is_written_as_a_name(text, *match.span()):
                    continue
                yield match.start(), match.end(), known.kind
