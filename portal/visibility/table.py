"""Who may read what: one table, kind of record x the viewer's relation to the candidate.

This table is the specification. `portal.visibility.access` enforces it for every loader,
docs/access.md shows it to people, and tests/visibility/test_table.py checks every cell
against the real pages. Change a cell here and all three follow (the docs test fails
until the page is updated too).

The few conditions a cell cannot say are in `CONDITIONS` (and in the docs): they narrow a
cell, never widen it.
"""

import enum


class Kind(enum.StrEnum):
    """A kind of record about a candidate. An enum, not the models: visibility sits below
    the packages that own the records, so they can all ask it."""

    EVIDENCE = "evidence"  # evidence entries with their reflections
    ATTACHMENT = "attachment"
    AGREEMENT = "agreement"
    DEVELOPMENT_PLAN = "development_plan"
    SUPERVISION = "supervision"
    PROTECTED_TIME = "protected_time"
    KSS_SELF_ASSESSMENT = "kss_self_assessment"
    SUFFICIENCY = "sufficiency"
    SNAPSHOT = "snapshot"
    REVIEW_REPORT = "review_report"
    OBSERVATION = "observation"
    OUTSIDE_FEEDBACK = "outside_feedback"
    SUPPORT_PLAN = "support_plan"
    DECISION = "decision"
    OUTCOME_LETTER = "outcome_letter"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    Kind.EVIDENCE: "Evidence and reflections",
    Kind.ATTACHMENT: "Attachments",
    Kind.AGREEMENT: "Support and assessment agreement",
    Kind.DEVELOPMENT_PLAN: "Development plans",
    Kind.SUPERVISION: "Supervision",
    Kind.PROTECTED_TIME: "Protected time",
    Kind.KSS_SELF_ASSESSMENT: "KSS self-assessments",
    Kind.SUFFICIENCY: "Sufficiency page",
    Kind.SNAPSHOT: "Snapshots (submissions)",
    Kind.REVIEW_REPORT: "Review reports",
    Kind.OBSERVATION: "Direct observations",
    Kind.OUTSIDE_FEEDBACK: "Outside feedback links",
    Kind.SUPPORT_PLAN: "Support plans",
    Kind.DECISION: "Panel decisions",
    Kind.OUTCOME_LETTER: "Outcome letter",
}


class Relation(enum.StrEnum):
    """How the viewer stands to the candidate whose record it is. One person can hold
    several (a lead who also assesses): the most generous cell wins."""

    CANDIDATE = "candidate"
    ASSESSOR = "assessor"  # assigned now
    PREVIOUS_ASSESSOR = "previous_assessor"  # reassigned less than PREVIOUS_ASSESSOR_DAYS ago
    LINE_MANAGER = "line_manager"  # assigned now
    PROGRAMME_LEAD = "programme_lead"  # of the candidate's council
    PANEL_MEMBER = "panel_member"  # through a snapshot on a panel they sit on
    ADMINISTRATOR = "administrator"  # of the candidate's council

    @property
    def label(self) -> str:
        return RELATION_LABELS[self]


RELATION_LABELS = {
    Relation.CANDIDATE: "Candidate",
    Relation.ASSESSOR: "Assessor",
    Relation.PREVIOUS_ASSESSOR: "Previous assessor",
    Relation.LINE_MANAGER: "Line manager",
    Relation.PROGRAMME_LEAD: "Programme lead",
    Relation.PANEL_MEMBER: "Panel member",
    Relation.ADMINISTRATOR: "Administrator",
}


class Access(enum.StrEnum):
    NONE = "none"  # the record does not exist for them: 404
    READ = "read"
    AUDITED = "read, audited"  # each opening writes an audit row (who, when, what)
    EDIT = "edit"

    @property
    def reads(self) -> bool:
        return self is not Access.NONE


# Which cell wins when a person stands in several relations: reading without an audit row
# is more than reading with one.
STRENGTH = {Access.NONE: 0, Access.AUDITED: 1, Access.READ: 2, Access.EDIT: 3}

NONE, READ, AUDITED, EDIT = Access.NONE, Access.READ, Access.AUDITED, Access.EDIT
COLUMNS = tuple(Relation)


def _row(*cells: Access) -> dict[Relation, Access]:
    return dict(zip(COLUMNS, cells, strict=True))


TABLE: dict[Kind, dict[Relation, Access]] = {
    #                                candidate assessor previous line_mgr lead     panel    admin
    Kind.EVIDENCE:              _row(EDIT,     READ,    READ,    NONE,    AUDITED, AUDITED, NONE),
    Kind.ATTACHMENT:            _row(EDIT,     READ,    READ,    NONE,    AUDITED, AUDITED, NONE),
    Kind.AGREEMENT:             _row(EDIT,     READ,    READ,    READ,    READ,    READ,    NONE),
    Kind.DEVELOPMENT_PLAN:      _row(EDIT,     READ,    READ,    NONE,    READ,    READ,    NONE),
    Kind.SUPERVISION:           _row(EDIT,     READ,    READ,    READ,    READ,    READ,    NONE),
    Kind.PROTECTED_TIME:        _row(EDIT,     READ,    READ,    READ,    READ,    READ,    NONE),
    Kind.KSS_SELF_ASSESSMENT:   _row(EDIT,     READ,    READ,    NONE,    READ,    READ,    NONE),
    Kind.SUFFICIENCY:           _row(READ,     READ,    NONE,    NONE,    READ,    NONE,    NONE),
    Kind.SNAPSHOT:              _row(READ,     READ,    READ,    NONE,    AUDITED, AUDITED, NONE),
    Kind.REVIEW_REPORT:         _row(READ,     EDIT,    READ,    READ,    READ,    READ,    NONE),
    Kind.OBSERVATION:           _row(READ,     EDIT,    READ,    NONE,    READ,    NONE,    NONE),
    Kind.OUTSIDE_FEEDBACK:      _row(EDIT,     EDIT,    NONE,    NONE,    NONE,    NONE,    NONE),
    Kind.SUPPORT_PLAN:          _row(READ,     EDIT,    NONE,    READ,    READ,    NONE,    NONE),
    Kind.DECISION:              _row(READ,     READ,    NONE,    NONE,    READ,    READ,    READ),
    Kind.OUTCOME_LETTER:        _row(READ,     NONE,    NONE,    NONE,    READ,    NONE,    READ),
}

# What a cell cannot say. Each narrows the cell it names; none widens one.
CONDITIONS = {
    Relation.PREVIOUS_ASSESSOR: (
        "Only work made up to the day of the reassignment (by its recorded date), and only "
        "for `PREVIOUS_ASSESSOR_DAYS` (default 90) after it."),
    Relation.PANEL_MEMBER: (
        "Only what the snapshot on their panel holds, anonymised until the chair reveals "
        "identity (attachments too: a file is called \u201cAttachment 3.pdf\u201d)."),
    Kind.REVIEW_REPORT: "The candidate reads a report once it is signed off.",
    Kind.OBSERVATION: (
        "The candidate reads an observation once it is completed; the observer it names "
        "(another assessor) may also edit it until it is signed off."),
}

# The kinds that make up a live portfolio: who may read any of them may open the
# portfolio's overview (decisions and letters are reached from the panel's pages).
PORTFOLIO_KINDS = tuple(kind for kind in Kind
                        if kind not in (Kind.DECISION, Kind.OUTCOME_LETTER))
