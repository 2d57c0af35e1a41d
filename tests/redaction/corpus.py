"""A synthetic corpus of reflections with planted identifiers (no real data): each
reflection is built from sentences a social worker might write, with the identifiers put in
at known places, so the tests can count what the engine found and what it flagged wrongly.

The names of children and other people are drawn from the shipped names list, and also
(for adults) unlisted surnames after a title, so the measure covers both of the rules.
"""

import random
from dataclasses import dataclass, field

from portal.redaction.known import KnownName
from portal.redaction.labels import Kind
from portal.redaction.names import names_list

CANDIDATE, ASSESSOR, MANAGER = "Aisha Singh", "Helen Shaw", "Tomasz Wojcik"
TEAM, COUNCIL = "Riverside Family Safeguarding", "Northshire County Council"
KNOWN = [KnownName(CANDIDATE, Kind.CANDIDATE), KnownName(ASSESSOR, Kind.ASSESSOR),
         KnownName(MANAGER, Kind.LINE_MANAGER), KnownName(TEAM, Kind.TEAM),
         KnownName(COUNCIL, Kind.COUNCIL)]
UNLISTED_SURNAMES = ["Okonkwo", "Fairbairn", "Lindqvist", "Papadopoulos", "Mbeki", "Ravensworth"]
STREETS = ["Mill Lane", "Elm Grove", "Station Road", "Church Street", "Willow Close",
           "Ashfield Avenue", "Beech Drive", "Victoria Terrace", "Oak Crescent"]
POSTCODES = ["LS6 2AB", "M14 5TQ", "B23 6HX", "NE1 4ST", "SW1A 1AA", "CF10 3NQ", "EH8 9YL",
             "BS7 8PU", "L4 0TH", "S10 2TN"]
FILLER = [
    "I reflected on how the visit went and what I would do differently.",
    "In supervision we talked about the risks and the plan for the next four weeks.",
    "I hope the family felt listened to; I was careful to explain my role.",
    "The review in May 2025 showed progress, and the plan was updated on 12 June 2025.",
    "Case reference 1234567890 was closed after the strategy discussion.",
    "I will use the Signs of Safety framework next time.",
    "The Family Court asked for a statement by Friday.",
    "I read the chronology and noticed gaps around the move last year.",
    # Distractors: words that look like names or identifiers and are not.
    "Grace, faith and hope came up often; the family's church matters to them.",
    "The Court of Protection application is due in April, and May is the hearing.",
    "Mother was referred to the Dr Barnardo service for parenting support.",
    "Father has family in Jordan and wants to visit them in the summer.",
    "We met at Victoria Station before the visit, as the bus was late.",
    "The GP surgery on the High Street confirmed the registration.",
    "Early Help had been involved since 2023 under a Child in Need plan.",
]


@dataclass
class Reflection:
    text: str = ""
    planted: list[tuple[int, int, Kind]] = field(default_factory=list)

    def add(self, *pieces) -> None:
        """Pieces are plain text or (text, kind) for an identifier."""
        for piece in pieces:
            if isinstance(piece, tuple):
                start = len(self.text)
                self.text += piece[0]
                self.planted.append((start, len(self.text), piece[1]))
            else:
                self.text += piece
        self.text += " "


def nhs_number(rng: random.Random) -> str:
    while True:
        digits = [rng.randint(4, 7)] + [rng.randint(0, 9) for _ in range(8)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            raw = "".join(map(str, [*digits, check]))
            return rng.choice([raw, f"{raw[:3]} {raw[3:6]} {raw[6:]}",
                               f"{raw[:3]}-{raw[3:6]}-{raw[6:]}"])


def ni_number(rng: random.Random) -> str:
    first, second = "BG"
    while first + second in {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}:
        first, second = rng.choice("ABCEGHJKLMPRSTWXY"), rng.choice("ABCEGHJKLMNPRSTWXY")
    digits = [f"{rng.randint(0, 99):02d}" for _ in range(3)]
    suffix = rng.choice("ABCD")
    return rng.choice([f"{first}{second}{''.join(digits)}{suffix}",
                       f"{first}{second} {' '.join(digits)} {suffix}"])


def phone(rng: random.Random) -> str:
    return rng.choice([f"07700 9{rng.randint(0, 99999):05d}",
                       f"07{rng.randint(100, 999)} {rng.randint(100000, 999999)}",
                       f"020 7946 {rng.randint(0, 9999):04d}",
                       f"0113 496 {rng.randint(0, 9999):04d}",
                       f"+44 7700 9{rng.randint(0, 99999):05d}"])


def birth_date(rng: random.Random) -> tuple[str, str]:
    day, month, year = rng.randint(1, 28), rng.randint(1, 12), rng.randint(2008, 2024)
    months = ["January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December"]
    cue, value = rng.choice([
        ("born on ", f"{day} {months[month - 1]} {year}"),
        ("DOB ", f"{day:02d}/{month:02d}/{year}"),
        ("date of birth: ", f"{day}.{month}.{str(year)[2:]}"),
        ("(d.o.b. ", f"{day:02d}-{month:02d}-{year}"),
        ("born ", f"{months[month - 1]} {day}, {year}"),
    ])
    return cue, value


def known_form(rng: random.Random, name: str) -> str:
    first, last = name.split()
    return rng.choice([name, name.upper(), f"{first}_{last}", f"{first}{last}",
                       f"{first.lower()}.{last.lower()}", f"{first[0]}.{last[0]}.",
                       f"{first[0]}. {last}", first, last])


def reflection(rng: random.Random) -> Reflection:
    """One reflection with an identifier of every kind, in a shuffled order of sentences."""
    taken = {name.split()[0] for name in (CANDIDATE, ASSESSOR, MANAGER)}
    firsts = sorted(names_list("first_names.txt") - taken)
    child, adult = rng.choice(firsts), rng.choice(firsts)
    surname = rng.choice(sorted(names_list("surnames.txt")) + UNLISTED_SURNAMES)
    street = f"{rng.randint(1, 250)} {rng.choice(STREETS)}"
    cue, dob = birth_date(rng)
    sentences = [
        lambda r: r.add("I am ", (known_form(rng, CANDIDATE), Kind.CANDIDATE),
                        " and this is my reflection on a home visit."),
        lambda r: r.add("I attached ", (CANDIDATE.replace(" ", "_"), Kind.CANDIDATE),
                        "_court-statement.pdf to this entry."),
        lambda r: r.add((known_form(rng, ASSESSOR), Kind.ASSESSOR),
                        " observed me and gave feedback afterwards."),
        lambda r: r.add("My manager ", (known_form(rng, MANAGER), Kind.LINE_MANAGER),
                        " agreed the protected time."),
        lambda r: r.add("The ", (TEAM, Kind.TEAM), " duty rota was short that week, and ",
                        (COUNCIL, Kind.COUNCIL), " had no agency cover."),
        lambda r: r.add("Her son ", (child, Kind.CHILD), rng.choice([" (7)", ", aged 9,", ""]),
                        " was at home and told me about school."),
        lambda r: r.add("I spoke with ", rng.choice([
            (f"Mrs {rng.choice(UNLISTED_SURNAMES)}", Kind.PERSON),
            (f"{adult} {surname}", Kind.PERSON)]), ", the family's neighbour."),
        lambda r: r.add("The family live at ", (street, Kind.ADDRESS), ", ",
                        (rng.choice(POSTCODES), Kind.POSTCODE), "."),
        lambda r: r.add("His NHS number is ", (nhs_number(rng), Kind.NHS_NUMBER), "."),
        lambda r: r.add("Mother's NI number ", (ni_number(rng), Kind.NI_NUMBER),
                        " was on the benefits letter."),
        lambda r: r.add("The child was ", cue, (dob, Kind.DATE_OF_BIRTH), "."),
        lambda r: r.add("I rang the school on ", (phone(rng), Kind.PHONE), "."),
        lambda r: r.add("The health visitor emailed from ",
                        (f"{adult.lower()}.{surname.lower()}@nhs.example.net", Kind.EMAIL), "."),
    ]
    chosen = sentences + rng.sample([lambda r, f=f: r.add(f) for f in FILLER], 5)
    rng.shuffle(chosen)
    built = Reflection()
    for sentence in chosen:
        sentence(built)
    return built


def corpus(size: int = 220, seed: int = 2026) -> list[Reflection]:
    rng = random.Random(seed)
    return [reflection(rng) for _ in range(size)]
