"""Layer 3: other people's names, found with a shipped names list and capitalisation rules
(no statistical model: see docs/redaction.md for why).

A capitalised first name from the list is a name, with the capitalised word after it as
its surname; a title ("Mrs Okafor") makes any capitalised word a name; a first name that is
also a word ("Grace", "May") counts only with a surname, a title or a relationship word in
front ("her daughter Grace"). A name is a child's when a child word comes just before it
("her son Leo") or an age just after it ("Leo (7)", "Leo, aged 7", "Leo, 7,").
"""

import re
from functools import cache
from pathlib import Path

from portal.redaction.labels import Kind

DATA = Path(__file__).parent / "data"
CHILD_WORDS = (r"son|daughter|child|children|baby|toddler|brother|sister|grandson|"
               r"granddaughter|stepson|stepdaughter|boy|girl|sibling|siblings|nephew|niece|"
               r"twins?|pupil|youngest|eldest|infant|teenager")
RELATION_WORDS = CHILD_WORDS + r"|mother|father|mum|dad|partner|husband|wife|aunt|uncle|" \
                               r"grandmother|grandfather|nan|carer|friend|neighbour"
CHILD_BEFORE = re.compile(rf"\b(?:{CHILD_WORDS})\b[\w\s,']{{0,12}}$", re.IGNORECASE)
CHILD_AFTER = re.compile(r"^(?:\s*\(\s*\d{1,2}\s*\)|,?\s+aged\s+\d|,\s*\d{1,2}\s*,|"
                         r",?\s+(?:who\s+is\s+)?\d{1,2}(?:-|\s)?(?:year|month)s?[-\s]old)",
                         re.IGNORECASE)
RELATION_BEFORE = re.compile(rf"\b(?:{RELATION_WORDS})\s+$", re.IGNORECASE)
TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?"
CAPITALISED = r"[A-Z][a-z]+(?:['\-][A-Za-z][a-z]+)?"
# Capitalised words that follow a first name without being its surname.
NOT_SURNAMES = {"I", "The", "And", "But", "Social", "Services", "Team", "Council", "Court",
                "Family", "School", "Police", "Monday", "Tuesday", "Wednesday", "Thursday",
                "Friday", "Saturday", "Sunday", "Road", "Street", "Lane", "Avenue", "Close",
                "Drive", "Station", "Centre", "Hospital", "House", "Primary", "Academy", "Unit"}


@cache
def names_list(file: str) -> frozenset[str]:
    lines = (DATA / file).read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and line[0] != "#")


@cache
def _name_pattern() -> re.Pattern:
    first = "|".join(sorted(names_list("first_names.txt") | names_list("ambiguous_names.txt"),
                            key=len, reverse=True))
    return re.compile(rf"(?<![^\W_])(?:(?P<title>{TITLE})\s+(?P<titled>{CAPITALISED}"
                      rf"(?:\s+{CAPITALISED})?)|(?P<first>{first})(?:\s+(?P<last>{CAPITALISED}))?)"
                      r"(?![^\W_])")


def _is_child(text: str, start: int, end: int) -> bool:
    return bool(CHILD_BEFORE.search(text[max(0, start - 40):start])
                or CHILD_AFTER.match(text[end:end + 30]))


def find_names(text: str):
    """Yield (start, end, kind, name) for each other person's name: kind is CHILD or
    PERSON, and `name` is what identifies them across a copy (without a title)."""
    for match in _name_pattern().finditer(text):
        start, end = match.span()
        if match.group("title"):
            name = match.group("titled")
        else:
            first, last = match.group("first"), match.group("last")
            if last in NOT_SURNAMES:
                last, end = None, match.end("first")
            ambiguous = first in names_list("ambiguous_names.txt")
            related = RELATION_BEFORE.search(text[max(0, start - 30):start])
            if ambiguous and not last and not related:
                continue
            name = f"{first} {last}" if last else first
        kind = Kind.CHILD if _is_child(text, start, end) else Kind.PERSON
        yield start, end, kind, name
