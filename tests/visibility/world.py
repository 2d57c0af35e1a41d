"""One candidate's year, with someone in every relation the visibility table has a column
for, and builders that make one record of each kind and say where it is read and changed.

Records are dated in the autumn of 2026 and made today; the previous assessor's assignment
ends tomorrow (the current assessor takes over then), so everything here was made up to
the reassignment and within PREVIOUS_ASSESSOR_DAYS of it.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from portal.accounts.roles import Role
from portal.assessment.models import FeedbackRequest
from portal.assessment.reports import operations as reports
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.evidence.models import Attachment, EvidenceEntry
from portal.panels import agenda, attendance, decisions
from portal.panels import operations as panels
from portal.portfolios import operations as portfolio_operations
from portal.portfolios.models import KssRating, ProtectedTimeRecord, SupervisionRecord
from portal.portfolios.records import queries as record_queries
from portal.portfolios.reviews.models import ReviewReport
from portal.visibility import Kind, Relation
from tests import factories
from tests.portfolios.conftest import make_portfolio

MARKER = "Marker-7f3a"  # text each record carries, so a page shows it or not


@dataclass
class Case:
    """Where one record is read, and (if it can be changed) how."""

    read_url: str  # the live page (or file)
    marker: str | None = MARKER  # in the page (or file) when it is read
    # Where a panel member reads it: the agenda item (built when asked), if the snapshot
    # holds this kind at all.
    panel_url: Callable[[], str] | None = None
    # A page several kinds share (the overview): "no access" is the page without the
    # record rather than a 404.
    shared_page: bool = False
    edit: tuple[str, dict] | None = None  # a POST that changes the record
    edited: Callable[[], bool] | None = None  # did that POST change it?
    own_url: str | None = None  # where the candidate reads it, if not at read_url

    def url_for(self, relation: Relation) -> str:
        if relation is Relation.PANEL_MEMBER and self.panel_url is not None:
            return self.panel_url()
        if relation is Relation.CANDIDATE and self.own_url is not None:
            return self.own_url
        return self.read_url

    def edit_for(self, relation: Relation) -> tuple[str, dict]:
        url, form = self.edit
        if relation is Relation.CANDIDATE and self.own_url is not None:
            return self.own_url, form
        return url, form


class World:
    def __init__(self, org):
        self.org = org
        self.portfolio = make_portfolio(org, start=date(2026, 9, 7))
        self.candidate = self.portfolio.candidate
        self.lead = factories.user(org, roles=[Role.PROGRAMME_LEAD])
        self.admin = factories.user(org, roles=[Role.ADMINISTRATOR])
        self.previous = factories.user(org, roles=[Role.ASSESSOR], name="Pat Previous")
        self.assessor = factories.user(org, roles=[Role.ASSESSOR], name="Helen Shaw")
        self.manager = factories.user(org, roles=[Role.LINE_MANAGER])
        self.chair = factories.user(org, roles=[Role.PANEL_CHAIR, Role.PANEL_MEMBER])
        self.member = factories.user(org, roles=[Role.PANEL_MEMBER])
        self.other_member = factories.user(org, roles=[Role.PANEL_MEMBER])
        tomorrow = today_in_england() + timedelta(days=1)
        factories.assignment(self.candidate, self.previous, started_on=date(2026, 9, 7),
                             ended_on=tomorrow)
        factories.assignment(self.candidate, self.assessor, started_on=tomorrow)
        factories.assignment(self.candidate, self.manager, "line_manager")
        self.item = None

    def person(self, relation: Relation):
        return {
            Relation.CANDIDATE: self.candidate, Relation.ASSESSOR: self.assessor,
            Relation.PREVIOUS_ASSESSOR: self.previous, Relation.LINE_MANAGER: self.manager,
            Relation.PROGRAMME_LEAD: self.lead, Relation.PANEL_MEMBER: self.member,
            Relation.ADMINISTRATOR: self.admin,
        }[relation]

    def url(self, rest: str = "") -> str:
        return f"/portfolios/{self.portfolio.id}{rest}"

    # The panel: the portfolio submitted, its final report signed off, on an agenda.
    def submit(self):
        if self.portfolio.current_snapshot_id is None:
            portfolio_operations.submit_for_panel(self.candidate, self.portfolio, [])
        return self.portfolio.current_snapshot

    def draft_report(self, summary: str = MARKER) -> ReviewReport:
        self.submit()
        report = reports.start_assessment(self.assessor, self.portfolio)
        reports.save_draft(self.assessor, report, reports.ReportContent(
            summary=summary, holistic_assessment="Meets the level.", recommendation="pass",
            ratings={d.id: ("on_track", "") for d in reports.pcf_domains(self.portfolio)}))
        return report

    def final_report(self, summary: str = MARKER) -> ReviewReport:
        report = self.draft_report(summary)
        reports.sign_off(self.assessor, report)
        return report

    def to_panel(self, summary: str = "The final report"):
        """The portfolio on a panel's agenda (the member sits on it); returns the item."""
        if self.item is None:
            self.final_report(summary)
            panel = panels.create_panel(self.lead, panels.PanelDetails(
                title="ASYE panel", sits_on=today_in_england(), chair_id=self.chair.id,
                member_ids=[self.member.id, self.other_member.id],
                programme_ids=[self.portfolio.programme_id]))
            self.item = agenda.place_on_agenda(self.lead, panel, self.portfolio)
        return self.item

    def panel_url(self, rest: str = "") -> str:
        item = self.to_panel()
        return f"/panels/{item.panel_id}/items/{item.id}{rest}"

    def decision(self, rationale: str = MARKER):
        """The panel, everyone present, approves the portfolio today."""
        item = self.to_panel()
        panel = item.panel
        attendance.record_attendance(self.chair, panel, {m.user_id for m in panel.members},
                                     today_in_england())
        domains = reports.pcf_domains(self.portfolio)
        return decisions.record_decision(self.chair, item, item.version,
                                         decisions.DecisionDetails(
                                             code="approved", rationale=rationale,
                                             domain_ids=[domains[0].id]),
                                         today_in_england())

    def kss_form(self, completed=("20", "9", "2026")) -> dict:
        data = {"completed_on": list(completed)}
        framework = record_queries.kss_framework(self.portfolio)
        for statement in record_queries.kss_statements(framework):
            data[f"rating_{statement.id}"] = "3"
            data[f"comment_{statement.id}"] = "Changed"
        return data

    def first_kss_statement(self):
        return record_queries.kss_statements(record_queries.kss_framework(self.portfolio))[0]

    def first_pcf_domain(self):
        return reports.pcf_domains(self.portfolio)[0]


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _gone(model, row_id):
    return lambda: db.session.get(model, row_id) is None


def _day(day: date) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)]


def _fresh(row):
    """The row as the database has it now (after a request changed it, or not)."""
    db.session.expire(row)
    return row


# One builder per kind: make the record (before any panel, so the snapshot holds it) and
# say where it is read and changed.
def _agenda(world: World) -> Callable[[], str]:
    return world.panel_url


def evidence(world: World) -> Case:
    entry = factories.evidence_entry(world.candidate, title="Home visit",
                                     reflection=f"I reflected. {MARKER}")
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    return Case(f"/evidence/{entry.id}", panel_url=_agenda(world),
                edit=(f"/evidence/{entry.id}/delete", {}),
                edited=_gone(EvidenceEntry, entry.id))


def attachment(world: World) -> Case:
    entry = factories.evidence_entry(world.candidate, title="Visit with files")
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    file = factories.attachment(entry, "Jo Bloggs family.pdf", f"%PDF-1.4 {MARKER}".encode())
    return Case(f"/evidence/{entry.id}/attachments/{file.id}",
                panel_url=lambda: world.panel_url("/files/1"),
                edit=(f"/evidence/{entry.id}/attachments/{file.id}/delete", {}),
                edited=_gone(Attachment, file.id))


def agreement(world: World) -> Case:
    record = factories.support_agreement(world.portfolio, development_priorities=MARKER)
    form = {"agreed_on": ["8", "9", "2026"], "supervision_arrangements": "Changed",
            "workload_reduction": "Changed", "protected_time": "Changed",
            "development_priorities": "Changed"}
    return Case(world.url("/records/agreement"), panel_url=_agenda(world),
                edit=(world.url("/records/agreement"), form),
                edited=lambda: _fresh(record).development_priorities == "Changed")


def development_plan(world: World) -> Case:
    record = factories.development_plan(world.portfolio, goals=MARKER)
    form = {"agreed_on": ["1", "10", "2026"], "goals": "Changed", "actions": ""}
    return Case(world.url("/records/development-plans"), panel_url=_agenda(world),
                edit=(world.url("/records/development-plans/beginning"), form),
                edited=lambda: _fresh(record).goals == "Changed")


def supervision(world: World) -> Case:
    record = factories.supervision(world.portfolio, topics=MARKER)
    return Case(world.url("/records/supervision"), panel_url=_agenda(world),
                edit=(world.url(f"/records/supervision/{record.id}/delete"), {}),
                edited=_gone(SupervisionRecord, record.id))


def protected_time(world: World) -> Case:
    record = factories.protected_time(world.portfolio, activity=MARKER)
    return Case(world.url("/records/protected-time"), panel_url=_agenda(world),
                edit=(world.url(f"/records/protected-time/{record.id}/delete"), {}),
                edited=_gone(ProtectedTimeRecord, record.id))


def kss_self_assessment(world: World) -> Case:
    factories.kss_self_assessment(world.portfolio, world.first_kss_statement(), comment=MARKER)
    return Case(world.url("/records/kss/beginning"), panel_url=_agenda(world),
                edit=(world.url("/records/kss/beginning"), world.kss_form()),
                edited=lambda: _count(KssRating) > 1)


def sufficiency(world: World) -> Case:
    return Case(world.url("/sufficiency"), marker=None)


def snapshot(world: World) -> Case:
    entry = factories.evidence_entry(world.candidate, reflection=MARKER)
    portfolio_operations.include_entry(world.candidate, world.portfolio, entry, None)
    frozen = world.submit()
    return Case(world.url(f"/snapshots/{frozen.id}"), panel_url=_agenda(world))


def review_report(world: World) -> Case:
    """A draft report, which only the assessor may change and the candidate may not yet
    read; the candidate's and the panel's reading are of the signed-off final report."""
    report = world.draft_report()
    return Case(f"/reports/{report.id}",
                edit=(f"/reports/{report.id}", {"summary": "Changed", "action": "save"}),
                edited=lambda: _fresh(report).summary == "Changed")


def signed_off_report(world: World) -> Case:
    world.to_panel(summary=MARKER)
    return Case(f"/reports/{world.item.report_id}", panel_url=_agenda(world))


def observation(world: World) -> Case:
    record = factories.observation(world.candidate, world.assessor, analysis=MARKER)
    element = world.first_pcf_domain()
    form = {"observer_id": str(world.assessor.id), "observed_on": ["10", "10", "2026"],
            "setting": "Changed", "what_was_observed": "Seen", "analysis": "Analysed",
            "strengths": "Strong", "areas_to_develop": "Develop",
            "links-0-element_id": str(element.id), "links-0-reason": "Because"}
    return Case(f"/observations/{record.id}", edit=(f"/observations/{record.id}", form),
                edited=lambda: _fresh(record).setting == "Changed")


def outside_feedback(world: World) -> Case:
    factories.feedback_request(world.candidate, label=MARKER)
    url = f"/feedback-requests/for/{world.candidate.id}"
    before = _count(FeedbackRequest)
    return Case(url, edit=(url, {"kind": "colleague", "label": "Another colleague"}),
                edited=lambda: _count(FeedbackRequest) > before,
                own_url="/feedback-requests")


def support_plan(world: World) -> Case:
    today = today_in_england()
    plan = factories.support_plan(world.portfolio, world.assessor, concerns=MARKER,
                                  opened_on=today - timedelta(days=7))
    form = {"objectives": "Agreed objectives", "agreed_on": _day(today),
            "review_on": _day(today + timedelta(days=30))}
    return Case(f"/support-plans/{plan.id}", edit=(f"/support-plans/{plan.id}/agree", form),
                edited=lambda: _fresh(plan).objectives == "Agreed objectives")


def decision(world: World) -> Case:
    return Case(f"/decisions/{world.decision().id}")


def outcome_letter(world: World) -> Case:
    # The letter is built by a job; its status page is where a reader asks for and gets it.
    return Case(f"/decisions/{world.decision().id}/letter", marker=None)


BUILDERS = {
    Kind.EVIDENCE: evidence, Kind.ATTACHMENT: attachment, Kind.AGREEMENT: agreement,
    Kind.DEVELOPMENT_PLAN: development_plan, Kind.SUPERVISION: supervision,
    Kind.PROTECTED_TIME: protected_time, Kind.KSS_SELF_ASSESSMENT: kss_self_assessment,
    Kind.SUFFICIENCY: sufficiency, Kind.SNAPSHOT: snapshot, Kind.REVIEW_REPORT: review_report,
    Kind.OBSERVATION: observation, Kind.OUTSIDE_FEEDBACK: outside_feedback,
    Kind.SUPPORT_PLAN: support_plan, Kind.DECISION: decision,
    Kind.OUTCOME_LETTER: outcome_letter,
}

# The candidate reads a review report once it is signed off, and the panel reads the
# final one: their cells are checked against that report rather than a draft.
SIGNED_OFF_FOR = {Relation.CANDIDATE, Relation.PANEL_MEMBER}


def builder(kind: Kind, relation: Relation):
    if kind is Kind.REVIEW_REPORT and relation in SIGNED_OFF_FOR:
        return signed_off_report
    return BUILDERS[kind]
