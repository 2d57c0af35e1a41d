"""A council part-way through its ASYE year, with someone in every role, for tests that go
across packages (confirmation pages, create forms sent twice). Built through the
operations, as the pages would build it; each builder commits what it makes."""

from dataclasses import dataclass
from datetime import date

from portal.accounts.models import User
from portal.assessment.models import Observation
from portal.assessment.observations.operations import (
    ObservationDetails,
    complete_observation,
    create_observation,
)
from portal.assessment.outside_feedback import operations as outside
from portal.assessment.reports import operations as reports
from portal.assignments.models import Assignment, AssignmentRole
from portal.assignments.operations import assign
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.organisations.models import Organisation
from portal.panels import agenda, decisions
from portal.panels import operations as panels
from portal.panels.models import AgendaItem
from portal.portfolios import operations as portfolios
from portal.portfolios.models import Portfolio
from tests import factories
from tests.panels.conftest import everyone_present, ready_for_panel
from tests.portfolios.conftest import make_portfolio

START = date(2026, 1, 5)


@dataclass
class Year:
    org: Organisation
    admin: User
    lead: User
    assessor: User
    manager: User
    chair: User
    members: list[User]
    candidate: User
    portfolio: Portfolio

    @property
    def elements(self):
        return [e for f in self.portfolio.frameworks for e in f.elements]

    def assignment(self, role: AssignmentRole) -> Assignment:
        return db.session.scalar(db.select(Assignment).where(
            Assignment.candidate_id == self.candidate.id, Assignment.role == role.value))

    def completed_observation(self) -> Observation:
        details = ObservationDetails(
            observed_on=date(2026, 2, 10), setting="Home visit", what_was_observed="A visit.",
            analysis="Good analysis.", strengths="Warmth.", areas_to_develop="Pace.",
            links=[(self.elements[0].id, "Role explained")])
        observation = create_observation(self.assessor, self.candidate, self.assessor,
                                         details, {e.id for e in self.elements})
        complete_observation(self.assessor, observation)
        db.session.commit()
        return observation

    def submitted(self, code: str = "three-month") -> Portfolio:
        portfolios.submit_for_review_point(self.candidate, self.portfolio, code, [])
        db.session.commit()
        return self.portfolio

    def draft_report(self, code: str = "three-month"):
        self.submitted(code)
        report = reports.start_assessment(self.assessor, self.portfolio)
        db.session.commit()
        return report

    def feedback_link(self):
        link, _secret = outside.create_request(self.candidate, self.candidate,
                                               outside.OutsideKind.COLLEAGUE, "Ward nurse", 30)
        db.session.commit()
        return link

    def panel(self, with_portfolio: bool = True, sits_on: date | None = None):
        """A panel (sitting today unless `sits_on` says otherwise) with everyone present;
        with an agenda item for another candidate's portfolio."""
        sits_on = sits_on or today_in_england()
        panel = panels.create_panel(self.lead, panels.PanelDetails(
            title="ASYE panel", sits_on=sits_on, chair_id=self.chair.id,
            member_ids=[m.id for m in self.members],
            programme_ids=[self.portfolio.programme_id]))
        item = None
        if with_portfolio:
            ready = ready_for_panel(self.org, self.lead, self.assessor)
            item = agenda.place_on_agenda(self.lead, panel, ready)
        if sits_on <= today_in_england():
            everyone_present(panel, sits_on)
        db.session.commit()
        return panel, item

    def decided_item(self) -> AgendaItem:
        _panel, item = self.panel()
        details = decisions.DecisionDetails(
            code="approved", rationale="Consistent, reflective practice.",
            domain_ids=[d.id for d in reports.pcf_domains(item.portfolio)[:2]])
        decisions.record_decision(self.chair, item, item.version, details,
                                  today_in_england())
        db.session.commit()
        return item


def a_year(org: Organisation) -> Year:
    lead = factories.user(org, roles=["programme_lead"], name="Grace Adeyemi")
    assessor = factories.user(org, roles=["assessor"], name="Helen Shaw")
    manager = factories.user(org, roles=["line_manager"], name="Rachel Green")
    candidate = factories.user(org, roles=["candidate"], name="Amara Okafor")
    portfolio = make_portfolio(org, candidate=candidate, start=START)
    assign(lead, candidate, assessor, AssignmentRole.ASSESSOR, START)
    assign(lead, candidate, manager, AssignmentRole.LINE_MANAGER, START)
    year = Year(
        org=org, admin=factories.user(org, roles=["administrator"], name="Ade Admin"),
        lead=lead, assessor=assessor, manager=manager,
        chair=factories.user(org, roles=["panel_chair", "panel_member"], name="Margaret Doyle"),
        members=[factories.user(org, roles=["panel_member"], name=f"Member {n}")
                 for n in range(2)],
        candidate=candidate, portfolio=portfolio)
    db.session.commit()
    return year
