"""`flask --app portal bench-seed`: realistic synthetic councils at scale, for the benchmark.

Small reference data (frameworks, councils, teams, programmes, cohorts) goes through the
normal operations; everything per person is written in bulk: PostgreSQL COPY, or Core
executemany in batches elsewhere (SQLite, for the smoke test). Primary keys are handed
out here rather than by the database, so children can point at parents without a round
trip; the sequences are moved past them at the end.

Bench users have addresses at `bench.example.org` (`bench<N>.example.org` for a later run
with --force), so they never collide with the demo council.
"""

import hashlib
import io
import json
import math
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, text

from portal.accounts.passwords import hash_password
from portal.accounts.roles import Role
from portal.core.db import db
from portal.frameworks.models import FrameworkElement
from portal.frameworks.queries import load_shipped_frameworks
from portal.organisations.models import Cohort, EntryRoute, Organisation, Team
from portal.portfolios.schedule import due_date
from portal.portfolios.snapshots import SNAPSHOT_FORMAT, content_hash
from portal.programmes.models import Programme
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
             "kss_self_assessment", "kss_rating", "portfolio_snapshot", "review_report",
             "domain_progress", "agreed_action", "support_plan", "evidence_feedback",
             "observation", "notification"]

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


@dataclass
class CouncilInfo:
    id: int
    number: int
    team_ids: list[int]
    programmes: list[ProgrammeInfo]
    cohorts: list[tuple[int, ProgrammeInfo, date]] = field(default_factory=list)


def _programme_info(programme: Programme) -> ProgrammeInfo:
    framework_ids = [f.id for f in programme.frameworks]
    elements = db.session.execute(
        select(FrameworkElement.id, FrameworkElement.framework_id, FrameworkElement.depth)
        .where(FrameworkElement.framework_id.in_(framework_ids))
        .order_by(FrameworkElement.framework_id, FrameworkElement.position)).all()
    codes = {f.id: f.code for f in programme.frameworks}
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
    )


def _councils(count: int, run: int, rng: random.Random, today: date) -> list[CouncilInfo]:
    """Councils, teams, programmes (from the shipped templates) and cohorts: few rows,
    made through the normal operations so they are configured exactly as in production."""
    load_shipped_frameworks()
    councils = []
    for number in range(1, count + 1):
        suffix = f" {number}" if run == 1 else f" {number} (run {run})"
        organisation = Organisation(name=COUNCIL_PREFIX + suffix, short_name=f"Bench{suffix}")
        db.session.add(organisation)
        db.session.flush()
        teams = [Team(organisation_id=organisation.id, name=name) for name in TEAMS]
        db.session.add_all(teams)
        db.session.flush()
        programmes = [_programme_info(install_template(organisation, code))
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

    def user(self, council: CouncilInfo, local: str, roles: list[Role], team_id=None) -> int:
        user_id = self.writer.add(
            "user_account", organisation_id=council.id, team_id=team_id, name=_name(self.rng),
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
                  assessor_id: int, manager_id: int, real_files: bool) -> None:
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
        self.assessment(council, candidate_id, portfolio_id, programme, points, included,
                        assessor_id, manager_id)
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
                   assessor_id, manager_id) -> None:
        """Snapshots and signed-off reports for past review points, then a current state
        spread over every stage of the workflow."""
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
        state = rng.choices(
            ["draft", "submitted_for_review", "under_assessment", "returned",
             "submitted_for_panel", "at_panel", "decided"], [55, 10, 10, 5, 8, 5, 7])[0]
        if state in {"draft", "returned"}:
            return
        upcoming = next((p for p in points if p[3] is None), None)
        purpose = "review_point" if state in {"submitted_for_review", "under_assessment"} \
            and upcoming else "panel"
        code = upcoming[0] if purpose == "review_point" else None
        submitted = _moment(self.today - timedelta(days=rng.randrange(1, 20)), rng)
        snapshot_id = self.snapshot(portfolio_id, candidate_id, programme, purpose, code,
                                    included, submitted)
        self.writer.portfolio_updates.append(
            {"pid": portfolio_id, "new_state": state, "snapshot_id": snapshot_id})
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
    seeder = Seeder(writer, rng, today, hash_password(BENCH_PASSWORD), domain,
                    _reflections(rng))
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
        _staff(seeder, council, "panel", 12, [Role.PANEL_MEMBER])
        _staff(seeder, council, "chair", 2, [Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        _staff(seeder, council, "lead", 2, [Role.PROGRAMME_LEAD])
        _staff(seeder, council, "admin", 1, [Role.ADMINISTRATOR])
        _staff(seeder, council, "moderator", 1, [Role.EXTERNAL_MODERATOR])
        for index in range(how_many):
            number += 1
            cohort = council.cohorts[index % len(council.cohorts)]
            seeder.candidate(council, number, cohort, counts[first + index],
                             assessors[index // CANDIDATES_PER_ASSESSOR],
                             managers[index // CANDIDATES_PER_MANAGER],
                             real_files=index < REAL_FILE_CANDIDATES)
            if progress is not None:
                progress(counts[first + index])
            if number % 500 == 0:
                writer.flush()
                db.session.commit()
                connection = db.session.connection()
                writer.connection = connection
    writer.connection = db.session.connection()
    writer.finish()
    db.session.commit()
    if writer.postgres:
        db.session.execute(text("ANALYZE"))  # fresh statistics, so plans fit the new sizes
        db.session.commit()
    _write_real_files(seeder)
    summary = dict(writer.counts)
    summary.update(organisation=councils, cohort=sum(len(c.cohorts) for c in infos))
    summary["domain"] = domain
    return summary


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
