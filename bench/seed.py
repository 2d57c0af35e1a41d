"""`python -m bench.seed`: realistic synthetic councils at scale, for the benchmark (never part
of the application: `create_app` does not register it).

Small reference data (frameworks, councils, teams, programmes, cohorts) goes through the
normal operations; everything per person is written in bulk: PostgreSQL COPY, or Core
executemany in batches elsewhere (SQLite, for the smoke test). Primary keys are handed
out here rather than by the database, so children can point at parents without a round
trip; the sequences are moved past them at the end.

Bench users have addresses at `bench.example.org` (`bench<N>.example.org` for a later run
with --force), so they never collide with the demo council.

Panels come last for each council, once its candidates are written: past panels that
decided (or deferred) portfolios and the next ones, with every portfolio at panel on an
agenda. They write the rows the panel operations write (agenda items, members' notes,
decisions with their domains and actions, career levels, review requests, audit events and
notifications), from their own random stream. So that even a small seed has panel pages
with something on them, each council of four or more candidates has its last two at panel
and decided (SURE_STATES).
"""

import hashlib
import io
import json
import math
import random
import secrets
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.assessment.feedback.operations import fill_feedback_status
from portal.core.db import db
from portal.evidence.attachments import recount_attachment_bytes
from portal.frameworks.models import FrameworkElement, FrameworkLevel
from portal.frameworks.queries import load_shipped_frameworks
from portal.organisations.models import Cohort, EntryRoute, Organisation, Team
from portal.panels.decisions import decision_codes, ensure_decision_codes
from portal.panels.models import AgendaItem
from portal.portfolios.schedule.dates import due_date
from portal.portfolios.snapshots import SNAPSHOT_FORMAT, content_hash
from portal.programmes.models import Outcome, Programme
from portal.programmes.templates import install_template

BENCH_PASSWORD = "bench-portal-2026"  # noqa: S105 (synthetic accounts, printed on purpose)
BENCH_DOMAIN = "bench.example.org"
COUNCIL_PREFIX = "Bench County Council"
PROGRAMME_CODES = ["asye-child-family", "asye-adults", "epd", "progression-senior"]
ROUTES_PER_PROGRAMME = [
    [EntryRoute.UNIVERSITY, EntryRoute.FRONTLINE, EntryRoute.STEP_UP, EntryRoute.APPRENTICESHIP],
    [EntryRoute.UNIVERSITY, EntryRoute.THINK_AHEAD, EntryRoute.APPRENTICESHIP,
     EntryRoute.INTERNATIONAL],
    [EntryRoute.OTHER, EntryRoute.GROW_YOUR_OWN],
    [EntryRoute.OTHER, EntryRoute.RETURN_TO_PRACTICE],
]
INTAKES = 3  # cohorts per programme and route, a few months apart
CANDIDATES_PER_ASSESSOR = 12
CANDIDATES_PER_MANAGER = 15
HEAVY_ENTRIES = 1000  # one candidate per council has a log this long
REAL_FILE_CANDIDATES = 5  # per council: their attachments get small real files on disk
TEAMS = ["Children in Need North", "Children in Need South", "Child Protection",
         "Looked After Children", "Adults Community East", "Adults Community West",
         "Hospital Discharge", "Mental Health", "Learning Disabilities", "Social Work Academy"]

FIRST = ["Amara", "Priya", "Jordan", "Tom", "Chloe", "Helen", "David", "Rachel", "Imran",
         "Sarah", "Margaret", "Grace", "Ben", "Ruth", "Aisha", "Oliver", "Fatima", "Jack",
         "Zara", "Liam", "Niamh", "Kwame", "Hannah", "Yusuf", "Ella", "Samir", "Megan",
         "Daniel", "Sofia", "Callum", "Leah", "Marcus", "Joy", "Owen", "Anika", "Rhys"]
LAST = ["Okafor", "Nair", "Price", "Fletcher", "Williams", "Shaw", "Mensah", "Green", "Khan",
        "Lewis", "Doyle", "Adeyemi", "Carter", "Ellis", "Patel", "Hughes", "Ahmed", "Byrne",
        "Campbell", "Evans", "Kowalski", "Murphy", "Osei", "Singh", "Taylor", "Walsh",
        "Begum", "Clarke", "Davies", "Jones", "Morgan", "Roberts", "Thomas", "Wright"]
TITLES = {
    "critical_reflection": ["Reflecting on a difficult home visit", "What I learned from a "
                            "strategy meeting", "Managing my own response to conflict",
                            "Thinking again about a case decision"],
    "direct_observation": ["Observation: home visit with a family", "Observation: "
                           "assessment interview", "Observation: review meeting"],
    "supervision": ["Supervision notes and reflection", "Using supervision to plan"],
    "lived_experience_feedback": ["Feedback from a parent after a visit", "Feedback from "
                                  "a young person after a review"],
    "colleague_feedback": ["Feedback from a health visitor", "Feedback from a team manager"],
    "training": ["Training: court skills", "Training: trauma-informed practice",
                 "CPD: working with interpreters"],
    "reading": ["Reading: analysis in assessments", "Reading: the voice of the child"],
    "written_work": ["Written work: a child and family assessment", "Written work: a court "
                     "statement", "Written work: a Care Act assessment"],
    "other": ["Shadowing the duty team", "Joint visit with the police"],
}
TYPE_WEIGHTS = {"critical_reflection": 30, "direct_observation": 8, "supervision": 12,
                "lived_experience_feedback": 8, "colleague_feedback": 8, "training": 12,
                "reading": 10, "written_work": 8, "other": 4}
SENTENCES = [
    "The parent was worried about what the referral meant for the family.",
    "I explained my role and what would happen next in plain language.",
    "My practice educator helped me think about the power I hold in these visits.",
    "I noticed I wanted to reassure too early and stopped to ask open questions.",
    "The child talked to me about school using the three houses tool.",
    "Afterwards I checked my analysis against the research on neglect.",
    "I recorded the visit the same day so the detail was accurate.",
    "We agreed a plan with the family and I wrote it down with them.",
    "I found it hard to challenge a more experienced colleague, and we talked it through.",
    "Next time I will name the worry more directly and earlier in the conversation.",
    "The interpreter helped me understand what the grandmother was really asking.",
    "I used supervision to look at the impact of this case on me.",
]
REASONS = ["I showed this in how I explained my role", "I put the person's views at the "
           "centre", "I used research to inform my analysis", "I reflected on my own values",
           "I worked with other professionals to keep the child safe",
           "I recorded accurately and on time"]

# Panels. A council sits monthly; when more portfolios are ready than one panel can read,
# it sits as several panels that day (A, B, ...).
AGENDA_SIZE = 20
PANEL_EVERY_DAYS = 28
PAST_PANEL_DATES = 12  # about a year of past panels
UPCOMING_PANEL_DAYS = [10, 38]  # the next two dates: at least one panel on each
DEFERRED_SHARE = 0.4  # of returned portfolios: a panel deferred them for more evidence
OUTCOME_WEIGHTS = {Outcome.APPROVED: 70, Outcome.APPROVED_WITH_ACTIONS: 22,
                   Outcome.NOT_APPROVED: 8}
APPROVALS = {Outcome.APPROVED, Outcome.APPROVED_WITH_ACTIONS}
REVIEW_REQUEST_SHARE = 0.3  # of decisions not to approve
REVEALED_SHARE = 0.7  # decided items whose chair revealed the candidate's identity
SURE_STATES = ["decided", "at_panel"]  # a council's last candidate, the one before, ...
SURE_STATES_FROM = 4  # candidates in the council
RATIONALES = {
    Outcome.APPROVED: "The portfolio shows consistent, reflective practice at the level "
                      "across every domain; the assessor's recommendation is well evidenced.",
    Outcome.APPROVED_WITH_ACTIONS: "The level is met. Analysis in written assessments is "
                                   "still developing and is set as a development action.",
    Outcome.DEFERRED: "Direct observation evidence is thin for the later part of the year; "
                      "the panel needs a further observation before it can decide.",
    Outcome.NOT_APPROVED: "The evidence does not yet show safe, independent decision-making; "
                          "the concerns in the support plan have not been resolved.",
}
DECISION_ACTIONS = [("Complete a further direct observation", "Assessor"),
                    ("Lead a child and family assessment with reflective supervision",
                     "Candidate"),
                    ("Agree protected time for analysis training", "Line manager"),
                    ("Write a critical reflection on a multi-agency meeting", "Candidate")]
MEMBER_NOTES = ["Strong reflection on power and role; check the observation dates.",
                "Analysis is clear. Ask about the voice of the child in the second case.",
                "Supervision record is thin in the middle of the year.",
                "Good lived-experience feedback. Holistic assessment matches the evidence."]

FILE_KINDS = [("notes.pdf", "application/pdf", b"%PDF-1.4\n% bench\n"),
              ("photo-of-ecomap.png", "image/png", b"\x89PNG\r\n\x1a\n"),
              ("supervision-notes.txt", "text/plain", b"Supervision notes\n")]


# Bulk writing --------------------------------------------------------------------------
def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, (date, datetime)):
        return value.isoformat()
    elif not isinstance(value, str):
        return str(value)
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
            .replace("\r", "\\r"))


class BulkWriter:
    """Buffers rows per table and writes them in dependency order, in large batches."""

    # Parents before children: a flush writes every buffer in this order.
    ORDER = ["user_account", "user_role", "cohort_membership", "portfolio",
             "portfolio_framework", "portfolio_review_point", "assignment", "evidence_entry",
             "evidence_link", "attachment", "portfolio_entry", "support_agreement",
             "development_plan", "supervision_record", "protected_time_record",
             "professional_registration", "leaving_record", "kss_self_assessment",
             "kss_rating", "portfolio_snapshot", "review_report",
             "domain_progress", "agreed_action", "support_plan", "evidence_feedback",
             "observation", "panel", "panel_programme", "panel_member", "agenda_item",
             "member_note", "panel_decision", "decision_domain", "decision_action",
             "career_level_record", "decision_review_request", "audit_event", "notification"]

    def __init__(self, connection, batch_size: int):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.batch_size = batch_size
        self.columns: dict[str, tuple[str, ...]] = {}
        self.rows: dict[str, list[tuple]] = {name: [] for name in self.ORDER}
        self.portfolio_updates: list[dict] = []
        self.counts: Counter = Counter()
        self.next_ids: dict[str, int] = {}

    def new_id(self, table: str) -> int:
        if table not in self.next_ids:
            current = self.connection.execute(text(f"SELECT max(id) FROM {table}")).scalar()  # noqa: S608 (our table names)
            self.next_ids[table] = (current or 0) + 1
        value = self.next_ids[table]
        self.next_ids[table] = value + 1
        return value

    def add(self, table: str, **row) -> int | None:
        """Queue one row (giving it an id if the table has one); returns the id."""
        if "id" in db.metadata.tables[table].c and "id" not in row:
            row = {"id": self.new_id(table), **row}
        columns = self.columns.setdefault(table, tuple(row))
        self.rows[table].append(tuple(row[name] for name in columns))
        if len(self.rows[table]) >= self.batch_size:
            self.flush()
        return row.get("id")

    def flush(self) -> None:
        for table in self.ORDER:
            rows = self.rows[table]
            if rows:
                self._write(table, self.columns[table], rows)
                self.counts[table] += len(rows)
                self.rows[table] = []
        if self.portfolio_updates:
            portfolio = db.metadata.tables["portfolio"]
            from sqlalchemy import bindparam, update

            self.connection.execute(
                update(portfolio).where(portfolio.c.id == bindparam("pid"))
                .values(state=bindparam("new_state"),
                        current_snapshot_id=bindparam("snapshot_id")),
                self.portfolio_updates)
            self.portfolio_updates = []

    def _write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        if self.postgres:
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(_copy_text(value) for value in row))
                buffer.write("\n")
            raw = self.connection.connection.driver_connection
            statement = f'COPY "{table}" ({", ".join(columns)}) FROM STDIN'
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                copy.write(buffer.getvalue())
        else:
            target = db.metadata.tables[table]
            self.connection.execute(insert(target), [dict(zip(columns, row, strict=True))
                                                     for row in rows])

    def finish(self) -> None:
        """Write what is left and move each id sequence past the ids handed out here."""
        self.flush()
        if self.postgres:
            for table in self.next_ids:
                self.connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"))


# Reference data --------------------------------------------------------------------------
@dataclass
class ProgrammeInfo:
    id: int
    code: str
    duration_months: int
    framework_ids: list[int]
    element_ids: list[int]
    review_points: list[tuple]  # (code, title, due_month, optional, is_final, position)
    stage_codes: list[str]
    sections: dict[str, str]  # evidence type -> component code
    kss_domains: list[int]
    pcf_domains: list[int]
    kind: str = ""
    # What a chair picks for each outcome: (code, label) in the programme's own wording.
    decision_codes: dict[str, tuple[str, str]] = field(default_factory=dict)
    level_code: str = ""  # the career level an approval records
    level_title: str = ""


@dataclass
class CouncilInfo:
    id: int
    number: int
    team_ids: list[int]
    programmes: list[ProgrammeInfo]
    cohorts: list[tuple[int, ProgrammeInfo, date]] = field(default_factory=list)


def _install_programme(organisation: Organisation, code: str) -> Programme:
    """The shipped programme template, with the panel's default decision codes."""
    programme = install_template(organisation, code)
    ensure_decision_codes(programme)
    return programme


def _programme_info(programme: Programme) -> ProgrammeInfo:
    framework_ids = [f.id for f in programme.frameworks]
    elements = db.session.execute(
        select(FrameworkElement.id, FrameworkElement.framework_id, FrameworkElement.depth)
        .where(FrameworkElement.framework_id.in_(framework_ids))
        .order_by(FrameworkElement.framework_id, FrameworkElement.position)).all()
    codes = {f.id: f.code for f in programme.frameworks}
    wording: dict[str, tuple[str, str]] = {}
    for code in decision_codes(programme.id):  # the first code for each outcome
        wording.setdefault(code.outcome, (code.code, code.label))
    return ProgrammeInfo(
        id=programme.id, code=programme.code, duration_months=programme.duration_months,
        framework_ids=framework_ids, element_ids=[e.id for e in elements],
        review_points=[(p.code, p.title, p.due_month, p.optional, p.is_final, p.position)
                       for p in programme.review_points],
        stage_codes=[s.code for s in programme.stages],
        sections={c.evidence_type: c.code for c in programme.components
                  if c.source == "evidence"},
        kss_domains=[e.id for e in elements if e.depth == 0
                     and codes[e.framework_id].startswith("kss")],
        pcf_domains=[e.id for e in elements if e.depth == 0 and codes[e.framework_id] == "pcf"],
        kind=programme.kind, decision_codes=wording,
        **_career_level(programme, framework_ids),
    )


def _career_level(programme: Programme, framework_ids: list[int]) -> dict:
    """The level an approval records: the same choice as panels.decisions.apply_outcome."""
    level_code = programme.target_level or programme.code
    level = db.session.scalar(select(FrameworkLevel).where(
        FrameworkLevel.code == level_code, FrameworkLevel.framework_id.in_(framework_ids)))
    title = (f"{level.title} completed" if programme.kind == "asye" and level
             else (level.title if level else programme.name))
    return {"level_code": level_code, "level_title": title}


def _councils(count: int, run: int, rng: random.Random, today: date) -> list[CouncilInfo]:
    """Councils, teams, programmes (from the shipped templates) and cohorts: few rows,
    made through the normal operations so they are configured exactly as in production."""
    load_shipped_frameworks()
    councils = []
    for number in range(1, count + 1):
        suffix = f" {number}" if run == 1 else f" {number} (run {run})"
        # The bench signs its leads in with a password only.
        organisation = Organisation(name=COUNCIL_PREFIX + suffix, short_name=f"Bench{suffix}",
                                    two_factor_for_leads_and_admins=False)
        db.session.add(organisation)
        db.session.flush()
        teams = [Team(organisation_id=organisation.id, name=name) for name in TEAMS]
        db.session.add_all(teams)
        db.session.flush()
        programmes = [_programme_info(_install_programme(organisation, code))
                      for code in PROGRAMME_CODES]
        council = CouncilInfo(organisation.id, number, [t.id for t in teams], programmes)
        for programme, routes in zip(programmes, ROUTES_PER_PROGRAMME, strict=True):
            for route in routes:
                for intake in range(INTAKES):
                    months_ago = 2 + intake * 7 + rng.randrange(3)
                    start = today - timedelta(days=30 * months_ago)
                    cohort = Cohort(
                        organisation_id=organisation.id, programme_id=programme.id,
                        name=f"{programme.code} {route.label} {start:%B %Y}",
                        start_date=start, entry_route=route.value, active=True)
                    db.session.add(cohort)
                    db.session.flush()
                    council.cohorts.append((cohort.id, programme, start))
        councils.append(council)
    db.session.commit()
    return councils


# Text ------------------------------------------------------------------------------------
def _reflections(rng: random.Random, count: int = 400) -> list[str]:
    bank = []
    for _ in range(count):
        paragraphs = [" ".join(rng.sample(SENTENCES, rng.randint(1, 3)))
                      for _ in range(rng.randint(1, 3))]
        bank.append("\n\n".join(paragraphs))
    return bank


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _moment(day: date, rng: random.Random) -> datetime:
    return datetime(day.year, day.month, day.day, 9 + rng.randrange(9), rng.randrange(60),
                    tzinfo=UTC)


# Panel cases ----------------------------------------------------------------------------
@dataclass
class PanelCase:
    """A portfolio at a panel or decided by one. Known while its candidate is written; its
    panel rows follow once the council's panels are known."""

    portfolio_id: int
    candidate_id: int
    assessor_id: int
    manager_id: int
    programme: ProgrammeInfo
    joined: date
    included: list[tuple[int, str, date]]
    outcome: str | None = None  # None: waiting for an upcoming panel
    snapshot_id: int | None = None  # a waiting portfolio's submission, already written
    submitted: datetime | None = None


@dataclass
class PanelStaff:
    chairs: list[int]
    members: list[int]
    leads: list[int]


@dataclass
class SeededPanel:
    id: int
    title: str
    sits_on: date
    chair_id: int
    member_ids: list[int]  # the chair too
    lead_id: int  # who organised it
    lead_ids: list[int]  # the council's programme leads, told of decisions


def _agendas(cases: list[PanelCase], sits_on: date) -> list[tuple[str, list[PanelCase]]]:
    """(title, agenda) for each panel sitting on one date: one panel, or A, B, ... when
    more portfolios are ready than one panel can read (always at least one panel)."""
    chunks = [cases[i:i + AGENDA_SIZE] for i in range(0, len(cases), AGENDA_SIZE)] or [[]]
    title = f"ASYE and progression panel, {sits_on.day} {sits_on:%B %Y}"
    if len(chunks) == 1:
        return [(title, chunks[0])]
    return [(f"{title} ({chr(ord('A') + n)})", chunk) for n, chunk in enumerate(chunks)]


# People ----------------------------------------------------------------------------------
@dataclass
class Seeder:
    writer: BulkWriter
    rng: random.Random
    today: date
    password_hash: str
    domain: str
    reflections: list[str]
    real_files: list[tuple[str, bytes]] = field(default_factory=list)
    # Panel data has its own stream, so adding it left the rest of the data unchanged.
    panel_rng: random.Random = field(default_factory=random.Random)
    panel_cases: list["PanelCase"] = field(default_factory=list)  # this council's, so far
    references: set[str] = field(default_factory=set)  # agenda references handed out
    last_name: str = ""  # the name `user` gave the latest account

    def user(self, council: CouncilInfo, local: str, roles: list[Role], team_id=None) -> int:
        name = self.last_name = _name(self.rng)
        user_id = self.writer.add(
            "user_account", organisation_id=council.id, team_id=team_id, name=name,
            email=f"{local}@{self.domain}", password_hash=self.password_hash, active=True,
            session_token=secrets.token_urlsafe(24), created_at=_moment(
                self.today - timedelta(days=400), self.rng), last_sign_in_at=None)
        for role in roles:
            self.writer.add("user_role", user_id=user_id, role=role.value)
        return user_id

    def notification(self, user_id: int, message: str, link: str, read: bool) -> None:
        created = _moment(self.today - timedelta(days=self.rng.randrange(30)), self.rng)
        self.writer.add("notification", recipient_id=user_id, message=message, link=link,
                        created_at=created, read_at=created + timedelta(hours=2) if read else None)

    # -- one candidate's whole record ----------------------------------------------------
    def candidate(self, council: CouncilInfo, number: int, cohort, entry_count: int,
                  assessor_id: int, manager_id: int, real_files: bool,
                  state: str | None = None) -> None:
        rng, add = self.rng, self.writer.add
        cohort_id, programme, start = cohort
        candidate_id = self.user(council, f"candidate{number:05d}", [Role.CANDIDATE],
                                 rng.choice(council.team_ids))
        joined = start + timedelta(days=rng.choice([0, 0, 0, 7, 14]))
        membership_id = add("cohort_membership", cohort_id=cohort_id, candidate_id=candidate_id,
                            joined_on=joined)
        portfolio_id = add("portfolio", organisation_id=council.id, candidate_id=candidate_id,
                           programme_id=programme.id, membership_id=membership_id,
                           start_date=joined, state="draft", current_snapshot_id=None,
                           created_at=_moment(joined, rng))
        for framework_id in programme.framework_ids:
            add("portfolio_framework", portfolio_id=portfolio_id, framework_id=framework_id)
        points = []
        for code, title, month, optional, final, position in programme.review_points:
            due = due_date(joined, month, 0)
            done = due + timedelta(days=rng.randrange(10)) if due < self.today - timedelta(
                days=10) and rng.random() < 0.9 else None
            points.append((code, title, due, done))
            add("portfolio_review_point", portfolio_id=portfolio_id, code=code, title=title,
                position=position, optional=optional, is_final=final, base_due_on=due,
                due_on=due, completed_on=done)
        for role, staff_id in (("assessor", assessor_id), ("line_manager", manager_id)):
            add("assignment", organisation_id=council.id, candidate_id=candidate_id,
                staff_id=staff_id, role=role, started_on=joined, ended_on=None,
                assigned_by_id=None)
        included = self.evidence(council, candidate_id, portfolio_id, programme, joined,
                                 entry_count, assessor_id, real_files)
        self.records(portfolio_id, programme, joined)
        self.employment(council, number, candidate_id, joined)
        case = PanelCase(portfolio_id, candidate_id, assessor_id, manager_id, programme,
                         joined, included[:60])
        self.assessment(council, candidate_id, portfolio_id, programme, points, included,
                        assessor_id, manager_id, case, state)
        self.notification(candidate_id, "Your assessor has given feedback on your evidence",
                          "/evidence/", read=rng.random() < 0.7)

    def evidence(self, council, candidate_id, portfolio_id, programme, start, count,
                 assessor_id, real_files) -> list[tuple[int, str, date]]:
        """The candidate's log: entries, 1-3 links each, some files, many in the portfolio."""
        rng, add = self.rng, self.writer.add
        span = max((self.today - start).days, 1)
        types, weights = list(TYPE_WEIGHTS), list(TYPE_WEIGHTS.values())
        included = []
        for _ in range(count):
            kind = rng.choices(types, weights)[0]
            occurred = start + timedelta(days=rng.randrange(span))
            delay = rng.randrange(60, 120) if rng.random() < 0.08 else rng.randrange(4)
            logged = _moment(min(occurred + timedelta(days=delay), self.today), rng)
            entry_id = add("evidence_entry", candidate_id=candidate_id,
                           organisation_id=council.id, title=rng.choice(TITLES[kind]),
                           occurred_on=occurred, evidence_type=kind,
                           reflection=rng.choice(self.reflections), anonymised_confirmed=True,
                           created_at=logged, updated_at=logged)
            for element_id in rng.sample(programme.element_ids, rng.randint(1, 3)):
                add("evidence_link", entry_id=entry_id, element_id=element_id,
                    reason=rng.choice(REASONS))
            if rng.random() < 0.1 or (real_files and len(included) < 3):
                self.attachment(entry_id, candidate_id, logged, real_files)
            if kind != "reading" and rng.random() < 0.6:
                add("portfolio_entry", portfolio_id=portfolio_id, entry_id=entry_id,
                    section=programme.sections.get(kind), added_at=logged)
                included.append((entry_id, kind, occurred))
                self.feedback(entry_id, candidate_id, assessor_id, programme, logged)
        return included

    def attachment(self, entry_id, owner_id, uploaded_at, real_file: bool) -> None:
        name, content_type, head = self.rng.choice(FILE_KINDS)
        body = head + b"Synthetic bench attachment.\n" * self.rng.randint(1, 40)
        stored_name = secrets.token_hex(16)
        if real_file:
            self.real_files.append((stored_name, body))
        self.writer.add("attachment", entry_id=entry_id, owner_id=owner_id,
                        original_name=name, stored_name=stored_name,
                        content_type=content_type, size_bytes=len(body),
                        sha256=hashlib.sha256(body).hexdigest(), uploaded_at=uploaded_at)

    def feedback(self, entry_id, candidate_id, assessor_id, programme, logged) -> None:
        """Most portfolio evidence has had feedback; some threads end with the candidate's
        reply (so the assessor's queue has work in it)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.25:
            return
        at = logged + timedelta(days=rng.randint(1, 10))
        if roll < 0.6:
            self.writer.add("evidence_feedback", entry_id=entry_id, author_id=assessor_id,
                            kind="accepted", element_id=rng.choice(programme.element_ids),
                            body="This shows the capability clearly.", created_at=at)
        else:
            self.writer.add("evidence_feedback", entry_id=entry_id, author_id=assessor_id,
                            kind="comment", element_id=None,
                            body="Could you say more about what you would do differently?",
                            created_at=at)
            if roll > 0.85:
                self.writer.add("evidence_feedback", entry_id=entry_id,
                                author_id=candidate_id, kind="comment", element_id=None,
                                body="I have added a paragraph about that.",
                                created_at=at + timedelta(days=2))

    def employment(self, council: CouncilInfo, number: int, candidate_id: int,
                   joined: date) -> None:
        """Registration details for the claim list (every tenth left without a number, to
        check) and, for every twelfth candidate, a leaving record for the retention
        report. Its own random numbers, so the rest of the data set stays as it was."""
        rng, add = random.Random(f"employment-{number}"), self.writer.add  # noqa: S311
        add("professional_registration", organisation_id=council.id, candidate_id=candidate_id,
            qualified_on=joined - timedelta(days=rng.randrange(30, 1800)),
            swe_number=None if number % 10 == 0 else f"SW{100000 + number}",
            asye_registered_on=joined + timedelta(days=7), recorded_by_id=None,
            recorded_at=_moment(joined, rng))
        days_in = (self.today - joined).days
        if number % 12 == 0 and days_in > 1:
            add("leaving_record", organisation_id=council.id, candidate_id=candidate_id,
                left_on=joined + timedelta(days=rng.randrange(1, days_in)),
                reason=rng.choice(["resignation", "retired", "moved_within_council",
                                   "other"]),
                recorded_by_id=None, recorded_at=_moment(self.today, rng))

    def records(self, portfolio_id, programme, start) -> None:
        rng, add = self.rng, self.writer.add
        span = max((self.today - start).days, 1)
        if rng.random() < 0.9:
            add("support_agreement", portfolio_id=portfolio_id, agreed_on=start,
                supervision_arrangements="Weekly for six weeks, then fortnightly.",
                workload_reduction="A 10% protected caseload.",
                protected_time="Wednesday afternoons.",
                development_priorities="Assessment analysis; court writing.",
                updated_at=_moment(start, rng))
        for stage in programme.stage_codes[: rng.randint(1, len(programme.stage_codes))]:
            add("development_plan", portfolio_id=portfolio_id, stage_code=stage,
                agreed_on=start, goals="Lead an assessment with support.",
                actions="Shadow, then co-work, then lead.", review_on=None)
        for _ in range(rng.randint(2, 10)):
            add("supervision_record", portfolio_id=portfolio_id,
                held_on=start + timedelta(days=rng.randrange(span)),
                supervisor_name=_name(rng), topics="Caseload, reflection, wellbeing.",
                agreed_actions="Complete the chronology.")
        for _ in range(rng.randint(1, 6)):
            add("protected_time_record", portfolio_id=portfolio_id,
                taken_on=start + timedelta(days=rng.randrange(span)), minutes=210,
                activity="ASYE workshop and reading", workload_reduction_confirmed=True)
        if programme.kss_domains and rng.random() < 0.5:
            assessment_id = add("kss_self_assessment", portfolio_id=portfolio_id,
                                stage_code=programme.stage_codes[0],
                                completed_on=start + timedelta(days=14))
            for element_id in programme.kss_domains:
                add("kss_rating", assessment_id=assessment_id, element_id=element_id,
                    rating=rng.randint(1, 4), comment="Agreed with my assessor.")

    def snapshot(self, portfolio_id, candidate_id, programme, purpose, code, included,
                 submitted: datetime, withdrawn=None) -> int:
        content = {
            "format": SNAPSHOT_FORMAT, "purpose": purpose, "review_point": code,
            "portfolio_id": portfolio_id, "candidate_id": candidate_id,
            "programme": {"code": programme.code},
            "frameworks": [{"id": f} for f in programme.framework_ids],
            "entries": [{"entry_id": e, "evidence_type": k, "occurred_on": d.isoformat()}
                        for e, k, d in included[:60]],
            "records": {},
        }
        return self.writer.add("portfolio_snapshot", portfolio_id=portfolio_id,
                               purpose=purpose, review_point_code=code, content=content,
                               sha256=content_hash(content), submitted_at=submitted,
                               submitted_by_id=candidate_id, withdrawn_at=withdrawn)

    def assessment(self, council, candidate_id, portfolio_id, programme, points, included,
                   assessor_id, manager_id, case: "PanelCase", sure_state=None) -> None:
        """Snapshots and signed-off reports for past review points, then a current state
        spread over every stage of the workflow. Portfolios at or back from a panel join
        `panel_cases`; their panel rows are written with the council's panels."""
        rng, add = self.rng, self.writer.add
        for code, _title, due, done in points:
            if done is None or due == points[0][2]:
                continue
            submitted = _moment(due - timedelta(days=3), rng)
            snapshot_id = self.snapshot(portfolio_id, candidate_id, programme, "review_point",
                                        code, included, submitted)
            report_id = add(
                "review_report", portfolio_id=portfolio_id, review_point_code=code,
                snapshot_id=snapshot_id, assessor_id=assessor_id, state="signed_off",
                summary="Steady progress; analysis is developing well.", is_final=False,
                holistic_assessment="", recommendation=None,
                signed_off_at=_moment(done, rng), outcome="completed",
                line_manager_id=manager_id, supervision_confirmed=True,
                protected_time_confirmed=True, workload_reduction_confirmed=True,
                line_manager_comment="", confirmed_at=_moment(done, rng),
                candidate_response="", responded_at=None, created_at=submitted)
            ratings = ["on_track"] * 8 + ["some_concerns"]
            for element_id in programme.pcf_domains:
                add("domain_progress", report_id=report_id, element_id=element_id,
                    rating=rng.choice(ratings), commentary="Evidence is sound.")
            add("agreed_action", report_id=report_id, description="Lead a review meeting.",
                due_on=done + timedelta(days=60), owner="Candidate")
            if rng.random() < 0.03:
                add("support_plan", portfolio_id=portfolio_id, report_id=report_id,
                    opened_on=done, review_on=done + timedelta(days=42),
                    concerns="Recording is often late.", closed_on=None)
        state = sure_state or rng.choices(
            ["draft", "submitted_for_review", "under_assessment", "returned",
             "submitted_for_panel", "at_panel", "decided"], [55, 10, 10, 5, 8, 5, 7])[0]
        if state == "returned" and self.panel_rng.random() < DEFERRED_SHARE:
            case.outcome = Outcome.DEFERRED
            self.panel_cases.append(case)
        if state in {"draft", "returned"}:
            return
        upcoming = next((p for p in points if p[3] is None), None)
        purpose = "review_point" if state in {"submitted_for_review", "under_assessment"} \
            and upcoming else "panel"
        code = upcoming[0] if purpose == "review_point" else None
        submitted = _moment(self.today - timedelta(days=rng.randrange(1, 20)), rng)
        if state == "decided":
            # Its snapshot is dated from the panel that decided it, so it comes later.
            case.outcome = Outcome.APPROVED_WITH_ACTIONS if sure_state else \
                self.panel_rng.choices(list(OUTCOME_WEIGHTS), list(OUTCOME_WEIGHTS.values()))[0]
            self.panel_cases.append(case)
            return
        snapshot_id = self.snapshot(portfolio_id, candidate_id, programme, purpose, code,
                                    included, submitted)
        self.writer.portfolio_updates.append(
            {"pid": portfolio_id, "new_state": state, "snapshot_id": snapshot_id})
        if state == "at_panel":
            case.snapshot_id, case.submitted = snapshot_id, submitted
            self.panel_cases.append(case)
        if state == "under_assessment":
            add("review_report", portfolio_id=portfolio_id,
                review_point_code=code or "final", snapshot_id=snapshot_id,
                assessor_id=assessor_id, state="draft", summary="", is_final=code is None,
                holistic_assessment="", recommendation=None, signed_off_at=None,
                outcome=None, line_manager_id=None, supervision_confirmed=None,
                protected_time_confirmed=None, workload_reduction_confirmed=None,
                line_manager_comment="", confirmed_at=None, candidate_response="",
                responded_at=None, created_at=submitted)
            self.notification(assessor_id, "A portfolio is ready for you to assess",
                              f"/portfolios/{portfolio_id}", read=False)


    # -- panels ----------------------------------------------------------------------------
    def panels(self, council: CouncilInfo, staff: PanelStaff) -> None:
        """The council's panels: past ones that decided or deferred its portfolios, and the
        next two dates with every portfolio at panel on an agenda, earliest submitted first."""
        rng = self.panel_rng
        cases, self.panel_cases = self.panel_cases, []
        past_dates = [self.today - timedelta(days=10 + PANEL_EVERY_DAYS * n)
                      for n in range(PAST_PANEL_DATES)]
        by_date: dict[date, list[PanelCase]] = defaultdict(list)
        for case in (c for c in cases if c.outcome):
            # Not in the programme's first two months: the latest panel if none fits.
            fits = [d for d in past_dates if d >= case.joined + timedelta(days=60)]
            by_date[rng.choice(fits) if fits else past_dates[0]].append(case)
        for sits_on in sorted(by_date):
            for title, agenda in _agendas(by_date[sits_on], sits_on):
                panel = self.panel(council, staff, sits_on, title)
                for position, case in enumerate(agenda):
                    self.decided_item(council, panel, position, case)
        waiting = sorted((c for c in cases if not c.outcome), key=lambda c: c.submitted)
        half = math.ceil(len(waiting) / len(UPCOMING_PANEL_DAYS))
        for n, days in enumerate(UPCOMING_PANEL_DAYS):
            sits_on = self.today + timedelta(days=days)
            for title, agenda in _agendas(waiting[n * half:(n + 1) * half], sits_on):
                panel = self.panel(council, staff, sits_on, title)
                for position, case in enumerate(agenda):
                    self.waiting_item(council, panel, position, case)

    def panel(self, council: CouncilInfo, staff: PanelStaff, sits_on: date,
              title: str) -> SeededPanel:
        """A panel of one chair and two to four members (as panels.operations.create_panel
        writes it), considering all the council's programmes."""
        rng, add = self.panel_rng, self.writer.add
        chair_id = rng.choice(staff.chairs)
        members = rng.sample(staff.members, min(rng.randint(2, 4), len(staff.members)))
        everyone = sorted({chair_id, *members})
        lead_id = rng.choice(staff.leads)
        created = _moment(min(sits_on - timedelta(days=42), self.today - timedelta(days=7)),
                          rng)
        # A panel that has sat had everyone present (recorded by its chair at 09:00).
        sat = sits_on < self.today
        panel_id = add("panel", organisation_id=council.id, title=title, sits_on=sits_on,
                       chair_id=chair_id, min_members=3, status="scheduled",
                       created_by_id=lead_id, created_at=created,
                       attendance_recorded_at=datetime(sits_on.year, sits_on.month,
                                                       sits_on.day, 9, tzinfo=UTC)
                       if sat else None)
        for programme in council.programmes:
            add("panel_programme", panel_id=panel_id, programme_id=programme.id)
        for user_id in everyone:
            add("panel_member", panel_id=panel_id, user_id=user_id, present=True if sat else None)
        self.audit(lead_id, council.id, "panel_created", "panel", panel_id, created,
                   members=len(everyone))
        for user_id in everyone:
            self.notify(user_id, f"You are on the panel '{title}'.", f"/panels/{panel_id}",
                        created, read=sits_on < self.today)
        return SeededPanel(panel_id, title, sits_on, chair_id, everyone, lead_id, staff.leads)

    def final_report(self, case: PanelCase, snapshot_id: int, started: datetime,
                     signed_off: datetime, approve: bool) -> int:
        """The assessor's signed-off final report, which an agenda item needs."""
        add = self.writer.add
        asye = case.programme.kind == "asye"
        recommendation = ("pass" if asye else "ready") if approve else \
            ("fail" if asye else "not_ready")
        report_id = add(
            "review_report", portfolio_id=case.portfolio_id, review_point_code="final",
            snapshot_id=snapshot_id, assessor_id=case.assessor_id, state="signed_off",
            summary="A strong year; analysis and reflection have grown steadily.",
            is_final=True, holistic_assessment="Taken as a whole, the evidence shows "
            "practice at the target level.", recommendation=recommendation,
            signed_off_at=signed_off, outcome="completed", line_manager_id=case.manager_id,
            supervision_confirmed=True, protected_time_confirmed=True,
            workload_reduction_confirmed=True, line_manager_comment="", confirmed_at=signed_off,
            candidate_response="", responded_at=None, created_at=started)
        rating = "on_track" if approve else "some_concerns"
        for element_id in case.programme.pcf_domains:
            add("domain_progress", report_id=report_id, element_id=element_id, rating=rating,
                commentary="Evidence is sound.")
        return report_id

    def agenda_item(self, council: CouncilInfo, panel: SeededPanel, position: int, case: PanelCase,
                    snapshot_id: int, report_id: int, added: datetime, **state) -> int:
        """The portfolio on the agenda (as panels.agenda.place_on_agenda writes it);
        `state` gives a decided item's state, version and identity reveal."""
        while (reference := f"P-{self.panel_rng.getrandbits(24):06X}") in self.references:
            pass
        self.references.add(reference)
        row = {"state": "waiting", "version": 1, "identity_revealed_at": None,
               "revealed_by_id": None, **state}
        item_id = self.writer.add(
            "agenda_item", panel_id=panel.id, portfolio_id=case.portfolio_id,
            snapshot_id=snapshot_id, report_id=report_id, reference=reference,
            position=position, added_at=added, **row)
        self.audit(panel.lead_id, council.id, "portfolio_placed_on_panel", "portfolio",
                   case.portfolio_id, added, from_state="under_assessment",
                   to_state="at_panel", agenda_item_id=item_id)
        self.audit(panel.lead_id, council.id, "agenda_item_added", "agenda_item", item_id,
                   added, panel_id=panel.id, portfolio_id=case.portfolio_id)
        read = panel.sits_on < self.today
        self.notify(case.candidate_id, f"Your portfolio will go to the panel on "
                    f"{panel.sits_on.day} {panel.sits_on:%B %Y}.",
                    f"/portfolios/{case.portfolio_id}", added, read)
        self.notify(case.assessor_id, f"A portfolio has been placed on the agenda of "
                    f"'{panel.title}'.", f"/portfolios/{case.portfolio_id}", added, read)
        return item_id

    def member_notes(self, council: CouncilInfo, panel: SeededPanel, item_id: int, share: float,
                     likely_view: str | None, start: datetime, end: datetime) -> None:
        """Members' private notes and provisional views, written before the panel sits."""
        rng = self.panel_rng
        for member_id in panel.member_ids:
            if rng.random() >= share:
                continue
            view = likely_view if likely_view and rng.random() < 0.8 else \
                rng.choice([None, *OUTCOME_WEIGHTS])
            at = start + (end - start) * rng.random()
            self.writer.add("member_note", agenda_item_id=item_id, member_id=member_id,
                            notes=rng.choice(MEMBER_NOTES), provisional_view=view,
                            updated_at=at)
            self.audit(member_id, council.id, "provisional_view_recorded", "agenda_item",
                       item_id, at, view=view)

    def waiting_item(self, council: CouncilInfo, panel: SeededPanel, position: int,
                     case: PanelCase) -> None:
        """A portfolio at panel: assessed, on the agenda, some members' notes written."""
        now = datetime.now(UTC)
        span = max(now - case.submitted, timedelta(hours=1))
        started, signed_off, added = (case.submitted + span * share for share in (0.2, 0.5, 0.7))
        report_id = self.final_report(case, case.snapshot_id, started, signed_off,
                                      approve=self.panel_rng.random() < 0.9)
        item_id = self.agenda_item(council, panel, position, case, case.snapshot_id,
                                   report_id, added)
        self.member_notes(council, panel, item_id, 0.4, None, added, now)

    def decided_item(self, council: CouncilInfo, panel: SeededPanel, position: int,
                     case: PanelCase) -> None:
        """A portfolio a past panel decided: its submission, final report, agenda item,
        members' notes, the decision, and the portfolio moved on as the decision says."""
        rng = self.panel_rng
        sits_on = panel.sits_on
        submitted = max(_moment(sits_on - timedelta(days=rng.randint(21, 42)), rng),
                        _moment(case.joined + timedelta(days=1), rng))
        snapshot_id = self.snapshot(case.portfolio_id, case.candidate_id, case.programme,
                                    "panel", None, case.included, submitted)
        started = submitted + timedelta(days=rng.randint(1, 3))
        signed_off = max(_moment(sits_on - timedelta(days=rng.randint(8, 14)), rng),
                         started + timedelta(days=1))
        added = signed_off + timedelta(days=1)
        decided_at = datetime(sits_on.year, sits_on.month, sits_on.day, 10 + rng.randrange(6),
                              rng.randrange(60), tzinfo=UTC)
        approve = case.outcome in APPROVALS or rng.random() < 0.3
        report_id = self.final_report(case, snapshot_id, started, signed_off, approve)
        revealed = rng.random() < REVEALED_SHARE
        # Deciding bumps the optimistic-lock version once, revealing once more.
        item_id = self.agenda_item(
            council, panel, position, case, snapshot_id, report_id, added, state="decided",
            version=3 if revealed else 2,
            identity_revealed_at=decided_at + timedelta(minutes=20) if revealed else None,
            revealed_by_id=panel.chair_id if revealed else None)
        self.member_notes(council, panel, item_id, 0.7, case.outcome, added, decided_at)
        self.decision(council, panel, case, item_id, decided_at)
        if revealed:
            self.audit(panel.chair_id, council.id, "identity_revealed", "agenda_item", item_id,
                       decided_at + timedelta(minutes=20))
        # A deferral sends the portfolio back to the candidate, with no current submission.
        deferred = case.outcome == Outcome.DEFERRED
        self.writer.portfolio_updates.append(
            {"pid": case.portfolio_id, "new_state": "returned" if deferred else "decided",
             "snapshot_id": None if deferred else snapshot_id})

    def decision(self, council: CouncilInfo, panel: SeededPanel, case: PanelCase, item_id: int,
                 decided_at: datetime) -> None:
        """The rows panels.decisions.record_decision writes (and the view's notes to the
        programme leads), then sometimes the candidate's request for a review."""
        rng, add, programme = self.panel_rng, self.writer.add, case.programme
        outcome = case.outcome
        code, label = programme.decision_codes[outcome]
        deferred = outcome == Outcome.DEFERRED
        decision_id = add(
            "panel_decision", agenda_item_id=item_id, portfolio_id=case.portfolio_id,
            decision_code=code, decision_label=label, outcome=outcome,
            rationale=RATIONALES[outcome],
            evidence_due_on=panel.sits_on + timedelta(days=56) if deferred else None,
            decided_by_id=panel.chair_id, decided_at=decided_at, corrects_id=None,
            correction_reason=None)
        domains = programme.pcf_domains
        for element_id in sorted(rng.sample(domains, min(rng.randint(1, 3), len(domains)))):
            add("decision_domain", decision_id=decision_id, element_id=element_id)
        # Every outcome but a plain approval needs an action with an owner and a deadline.
        if outcome != Outcome.APPROVED or rng.random() < 0.2:
            for description, owner in rng.sample(DECISION_ACTIONS, rng.randint(1, 2)):
                add("decision_action", decision_id=decision_id, description=description,
                    owner=owner, due_on=panel.sits_on + timedelta(days=rng.randint(30, 120)))
        if deferred:
            self.audit(panel.chair_id, council.id, "portfolio_deferred", "portfolio",
                       case.portfolio_id, decided_at, from_state="at_panel",
                       to_state="returned", decision_id=decision_id)
        else:
            self.audit(panel.chair_id, council.id, "portfolio_decided", "portfolio",
                       case.portfolio_id, decided_at, from_state="at_panel",
                       to_state="decided", decision_id=decision_id, outcome=outcome)
        if outcome in APPROVALS:
            add("career_level_record", user_id=case.candidate_id,
                level_code=programme.level_code, level_title=programme.level_title,
                achieved_on=panel.sits_on, decision_id=decision_id, withdrawn_at=None)
        self.audit(panel.chair_id, council.id, "panel_decision_recorded", "panel_decision",
                   decision_id, decided_at, outcome=outcome, agenda_item_id=item_id)
        self.notify(case.candidate_id, "The panel has recorded a decision on your portfolio.",
                    f"/decisions/{decision_id}", decided_at, read=True)
        self.notify(case.assessor_id, "A panel decision has been recorded for one of your "
                    "candidates.", f"/portfolios/{case.portfolio_id}", decided_at, read=True)
        for lead_id in panel.lead_ids:
            self.notify(lead_id, "A panel has recorded a decision on a portfolio.",
                        f"/decisions/{decision_id}", decided_at, read=rng.random() < 0.8)
        if outcome == Outcome.NOT_APPROVED and rng.random() < REVIEW_REQUEST_SHARE:
            self.review_request(council, panel, case, decision_id, decided_at)

    def review_request(self, council: CouncilInfo, panel: SeededPanel, case: PanelCase,
                       decision_id: int, decided_at: datetime) -> None:
        """The candidate asks for a review within the window; older requests are decided."""
        rng, now = self.panel_rng, datetime.now(UTC)
        requested = decided_at + timedelta(days=rng.randint(2, 20), hours=rng.randint(1, 8))
        if requested > now:
            return
        lead_id = rng.choice(panel.lead_ids)
        answered = requested + timedelta(days=14)
        decided = answered if answered < now else None
        request_id = self.writer.add(
            "decision_review_request", decision_id=decision_id, candidate_id=case.candidate_id,
            reasons="The panel did not give weight to the observations in the last quarter.",
            requested_at=requested, outcome="upheld" if decided else None,
            outcome_notes="The panel's reasons are sound and follow the evidence."
            if decided else "", decided_by_id=lead_id if decided else None,
            decided_at=decided)
        self.audit(case.candidate_id, council.id, "decision_review_requested",
                   "decision_review_request", request_id, requested, decision_id=decision_id)
        for staff_lead in panel.lead_ids:
            self.notify(staff_lead, "A candidate has asked for a review of a panel decision.",
                        f"/decisions/reviews/{request_id}", requested, read=decided is not None)
        if decided:
            self.audit(lead_id, council.id, "decision_review_decided",
                       "decision_review_request", request_id, decided, outcome="upheld")
            self.notify(case.candidate_id, "The review of your panel decision has been "
                        "decided.", f"/decisions/{decision_id}", decided, read=True)

    def audit(self, actor_id, organisation_id, action, object_type, object_id, at,
              **details) -> None:
        """An audit row as portal.core.audit.record writes it (identifiers only)."""
        self.writer.add("audit_event", occurred_at=at, actor_id=actor_id,
                        organisation_id=organisation_id, action=action,
                        object_type=object_type, object_id=object_id, details=details)

    def notify(self, user_id: int, message: str, link: str, at: datetime, read: bool) -> None:
        self.writer.add("notification", recipient_id=user_id, message=message[:300],
                        link=link, created_at=at,
                        read_at=at + timedelta(hours=2) if read else None)


# Orchestration ----------------------------------------------------------------------------
def _entry_counts(candidates: int, entries: int, rng: random.Random,
                  heavy: set[int], heavy_entries: int | None = None) -> list[int]:
    """How many entries each candidate has: uneven, a few very long logs, summing exactly
    to `entries`."""
    counts = [0] * candidates
    heavy_total = 0
    for index in heavy:
        counts[index] = heavy_entries if heavy_entries is not None else \
            min(HEAVY_ENTRIES, entries // (2 * len(heavy)))
        heavy_total += counts[index]
    rest = [i for i in range(candidates) if i not in heavy]
    remaining = max(entries - heavy_total, 0)
    weights = [rng.uniform(0.2, 1.8) for _ in rest]
    scale = remaining / (sum(weights) or 1)
    for index, weight in zip(rest, weights, strict=True):
        counts[index] = int(weight * scale)
    shortfall = entries - sum(counts)
    for step in range(max(shortfall, 0)):
        counts[rest[step % len(rest)] if rest else 0] += 1
    return counts


def existing_bench_runs() -> int:
    return db.session.scalar(select(func.count(Organisation.id)).where(
        Organisation.name.like(COUNCIL_PREFIX + "%"))) or 0


def _write_real_files(seeder: Seeder) -> None:
    from portal.core.storage import get_storage

    root = get_storage().root
    for stored_name, body in seeder.real_files:
        path = root / stored_name[:2] / stored_name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)


def seed(candidates: int, entries: int, councils: int = 3, batch_size: int = 20000,
         random_seed: int = 7, progress=None, heavy_entries: int | None = None) -> dict:
    """Fill the database; returns the number of rows written per table.

    `progress(n)` is called with the number of entries written as the work goes on. The
    first candidate of each council gets a long log (`heavy_entries`, or up to 1,000).
    """
    rng = random.Random(random_seed)  # noqa: S311 (synthetic data, not secrets)
    run = existing_bench_runs() // max(councils, 1) + 1
    domain = BENCH_DOMAIN if run == 1 else f"bench{run}.{BENCH_DOMAIN.split('.', 1)[1]}"
    today = date.today()
    infos = _councils(councils, run, rng, today)
    connection = db.session.connection()
    writer = BulkWriter(connection, batch_size)
    panel_rng = random.Random(f"panels-{random_seed}")  # noqa: S311 (synthetic data)
    seeder = Seeder(writer, rng, today, hash_password(BENCH_PASSWORD), domain,
                    _reflections(rng), panel_rng=panel_rng,
                    references=set(db.session.scalars(select(AgendaItem.reference))))
    per_council = [candidates // councils + (1 if i < candidates % councils else 0)
                   for i in range(councils)]
    first_of_council = [sum(per_council[:i]) for i in range(councils)]
    heavy = {start for start, n in zip(first_of_council, per_council, strict=True) if n > 1}
    counts = _entry_counts(candidates, entries, rng, heavy, heavy_entries)
    number = 0
    for council, how_many, first in zip(infos, per_council, first_of_council, strict=True):
        assessors = _staff(seeder, council, "assessor",
                           math.ceil(how_many / CANDIDATES_PER_ASSESSOR), [Role.ASSESSOR],
                           also_panel_every=10)
        managers = _staff(seeder, council, "manager",
                          math.ceil(how_many / CANDIDATES_PER_MANAGER), [Role.LINE_MANAGER])
        panel_staff = PanelStaff(
            members=_staff(seeder, council, "panel", 12, [Role.PANEL_MEMBER]),
            chairs=_staff(seeder, council, "chair", 2, [Role.PANEL_CHAIR, Role.PANEL_MEMBER]),
            leads=_staff(seeder, council, "lead", 2, [Role.PROGRAMME_LEAD]))
        _staff(seeder, council, "admin", 1, [Role.ADMINISTRATOR])
        _staff(seeder, council, "moderator", 1, [Role.EXTERNAL_MODERATOR])
        for index in range(how_many):
            number += 1
            cohort = council.cohorts[index % len(council.cohorts)]
            seeder.candidate(council, number, cohort, counts[first + index],
                             assessors[index // CANDIDATES_PER_ASSESSOR],
                             managers[index // CANDIDATES_PER_MANAGER],
                             real_files=index < REAL_FILE_CANDIDATES,
                             state=_sure_state(index, how_many))
            if progress is not None:
                progress(counts[first + index])
            if number % 500 == 0:
                writer.flush()
                db.session.commit()
                connection = db.session.connection()
                writer.connection = connection
        seeder.panels(council, panel_staff)
    writer.connection = db.session.connection()
    writer.finish()
    fill_feedback_status(db.session.connection())
    recount_attachment_bytes()  # the attachment rows were copied in directly
    db.session.commit()
    if writer.postgres:
        _vacuum_analyze()
    _write_real_files(seeder)
    summary = dict(writer.counts)
    summary.update(organisation=councils, cohort=sum(len(c.cohorts) for c in infos))
    summary["domain"] = domain
    return summary


def _vacuum_analyze() -> None:
    """Leave the tables as autovacuum would in a running instance: fresh statistics, so
    plans fit the new sizes, and visibility maps set, so index-only scans need no heap
    visits. VACUUM cannot run in a transaction, hence the autocommit connection."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def _sure_state(index: int, how_many: int) -> str | None:
    from_end = how_many - 1 - index
    if how_many >= SURE_STATES_FROM and from_end < len(SURE_STATES):
        return SURE_STATES[from_end]
    return None


def _staff(seeder: Seeder, council: CouncilInfo, kind: str, count: int, roles: list[Role],
           also_panel_every: int = 0) -> list[int]:
    ids = []
    for n in range(1, count + 1):
        wanted = list(roles)
        if also_panel_every and n % also_panel_every == 0:
            wanted.append(Role.PANEL_MEMBER)
        local = f"{kind}{council.number}-{n:04d}"
        ids.append(seeder.user(council, local, wanted, seeder.rng.choice(council.team_ids)))
    return ids


@click.command("bench-seed")
@click.option("--candidates", default=20000, show_default=True, type=click.IntRange(1))
@click.option("--entries", default=1_000_000, show_default=True, type=click.IntRange(0))
@click.option("--councils", default=3, show_default=True, type=click.IntRange(1, 50))
@click.option("--batch-size", default=20000, show_default=True, type=click.IntRange(100))
@click.option("--seed", "random_seed", default=7, show_default=True, type=int,
              help="Random seed: the same seed gives the same data.")
@click.option("--force", is_flag=True, help="Add another set even if bench data exists.")
@click.option("--skip-if-seeded", is_flag=True,
              help="Do nothing (and succeed) if bench data exists: for `make bench` reruns.")
@with_appcontext
def bench_seed_command(candidates, entries, councils, batch_size, random_seed, force,
                       skip_if_seeded):
    """Fill the database with synthetic councils for the benchmark (not for production)."""
    if existing_bench_runs() and skip_if_seeded and not force:
        click.echo("Bench data is already loaded: reusing it.")
        return
    if existing_bench_runs() and not force:
        raise click.ClickException(
            "This database already has bench data. Use a fresh database, or --force to "
            "add another set beside it.")
    if candidates < councils:
        raise click.ClickException("Give at least one candidate per council.")
    started = time.monotonic()
    engine = db.engine.dialect.name
    click.echo(f"Seeding {candidates} candidates and {entries} evidence entries in "
               f"{councils} councils ({engine}, batches of {batch_size})...")
    with click.progressbar(length=max(entries, 1), label="Evidence entries",
                           show_eta=True, show_percent=True) as bar:
        summary = seed(candidates, entries, councils, batch_size, random_seed,
                       progress=bar.update)
    elapsed = time.monotonic() - started
    domain = summary.pop("domain")
    rows = sum(summary.values())
    click.echo(f"Wrote {rows} rows in {elapsed:.1f} s:")
    for table, count in sorted(summary.items()):
        click.echo(f"  {table:24} {count}")
    click.echo(f"Bench users (password: {BENCH_PASSWORD}), N per council 1..{councils}:")
    for pattern in ("candidate00001", "assessorN-0001", "managerN-0001", "panelN-0001",
                    "chairN-0001", "leadN-0001", "adminN-0001", "moderatorN-0001"):
        click.echo(f"  {pattern}@{domain}")
    click.echo(f"Uploads go to {current_app.config['UPLOAD_DIR']}.")


def main() -> None:
    """Run the seeder against the portal the environment describes (DATABASE_URL...)."""
    from portal import create_app

    with create_app().app_context():
        bench_seed_command.main(prog_name="python -m bench.seed")


if __name__ == "__main__":
    main()
