"""What the engine finds (kinds) and what a reader sees instead (labels).

People the portal does not know are numbered in the order they first appear, and the same
name keeps its number for the whole copy: a reader can still follow "[Child 1] told
[Person 2]" across reflections without learning who they are."""

from enum import StrEnum


class Kind(StrEnum):
    CANDIDATE = "candidate"
    ASSESSOR = "assessor"
    LINE_MANAGER = "line_manager"
    TEAM = "team"
    COUNCIL = "council"
    NHS_NUMBER = "nhs_number"
    NI_NUMBER = "ni_number"
    POSTCODE = "postcode"
    DATE_OF_BIRTH = "date_of_birth"
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    CHILD = "child"
    PERSON = "person"


FIXED_LABELS = {
    Kind.CANDIDATE: "[Candidate]", Kind.ASSESSOR: "[Assessor]",
    Kind.LINE_MANAGER: "[Line manager]", Kind.TEAM: "[Team]", Kind.COUNCIL: "[Council]",
    Kind.NHS_NUMBER: "[NHS number]", Kind.NI_NUMBER: "[NI number]",
    Kind.POSTCODE: "[Postcode]", Kind.DATE_OF_BIRTH: "[Date of birth]",
    Kind.PHONE: "[Phone]", Kind.EMAIL: "[Email]", Kind.ADDRESS: "[Address]",
}
# The layer each kind comes from, for the assistant's page.
LAYERS = {
    **dict.fromkeys((Kind.CANDIDATE, Kind.ASSESSOR, Kind.LINE_MANAGER, Kind.TEAM,
                     Kind.COUNCIL), "Known to the portal"),
    **dict.fromkeys((Kind.NHS_NUMBER, Kind.NI_NUMBER, Kind.POSTCODE, Kind.DATE_OF_BIRTH,
                     Kind.PHONE, Kind.EMAIL, Kind.ADDRESS), "Pattern"),
    Kind.CHILD: "Other name", Kind.PERSON: "Other name",
}


class Numbering:
    """[Child n] and [Person n] for names the portal does not know, numbered once per copy.
    A first name seen alone is the same person as the full name it starts."""

    def __init__(self) -> None:
        self.labels: dict[str, str] = {}
        self.counts = {Kind.CHILD: 0, Kind.PERSON: 0}

    def label(self, name: str, kind: Kind) -> str:
        key = " ".join(name.split()).lower()
        first = key.split(" ")[0]
        for known in (key, first):
            if known in self.labels:
                return self.labels[known]
        self.counts[kind] += 1
        title = "Child" if kind == Kind.CHILD else "Person"
        label = f"[{title} {self.counts[kind]}]"
        self.labels[key] = label
        self.labels.setdefault(first, label)
        return label
