"""A realistic, part-built portfolio for the demo candidate, so every page has something
to show: evidence linked to the PCF and KSS, records, and a portfolio ready for the
three-month review. Added once; running the seed again changes nothing."""

from datetime import date, datetime, time

from sqlalchemy import func, select

from portal.assessment.reports import operations as reports
from portal.core.dates import today_in_england
from portal.core.db import db
from portal.evidence.models import EvidenceEntry, EvidenceLink
from portal.frameworks.models import FrameworkElement
from portal.panels import agenda
from portal.panels import operations as panels
from portal.panels.models import Panel
from portal.portfolios import operations
from portal.portfolios.models import (
    DevelopmentPlan,
    KssRating,
    KssSelfAssessment,
    Portfolio,
    PortfolioEntry,
    ProtectedTimeRecord,
    SupervisionRecord,
    SupportAgreement,
)

UTC_NOON = time(12, 0)

# (title, occurred on, days until logged, type, section, reflection, [(framework, code, reason)])
ENTRIES = [
    ("Learning the duty system in my first weeks", date(2026, 9, 18), 1,
     "critical_reflection", "reflection-log",
     "Shadowing the duty worker showed me how much of the role is gathering information "
     "quickly and checking it.\n\nI noticed I wanted to reassure callers too early. Next "
     "time I will ask more open questions before offering anything.",
     [("pcf", "6", "I looked at my own habit of reassuring too soon and planned a change"),
      ("kss-child-family", "2", "I practised asking open questions on the phone")]),
    ("My first child protection visit", date(2026, 10, 20), 2, "critical_reflection",
     "reflection-log",
     "I visited with my practice educator. The parent was angry about the referral.\n\n"
     "I stayed calm, explained why we were there and what would happen next. Afterwards we "
     "talked about how I could have named the worry more directly.",
     [("pcf", "1", "I explained my role and its limits honestly"),
      ("kss-child-family", "5", "I kept the child's safety at the centre of the visit")]),
    ("Observation: home visit with a family", date(2026, 11, 3), 3, "direct_observation",
     "direct-observations",
     "My assessor observed a planned home visit. Their notes are attached to my supervision "
     "record. They saw me use a three houses tool with the older child.",
     [("pcf", "7", "I used a direct work tool suited to the child's age"),
      ("kss-child-family", "1", "The child talked to me about school and home")]),
    ("Feedback from a young person after a review meeting", date(2026, 11, 10), 1,
     "lived_experience_feedback", "lived-experience-feedback",
     "The young person said I listened and did not rush them. They would like meetings to "
     "start later so they do not miss school.",
     [("pcf", "2", "I respected their views about how meetings are run")]),
    ("Reading: analysis in assessments", date(2026, 8, 1), 90, "reading", None,
     "Notes on a research summary about analysis in child and family assessments.", []),
]


def _element(frameworks: dict, code: str, element_code: str) -> FrameworkElement:
    framework = frameworks[code]
    return next(e for e in framework.elements if e.code == element_code)


def _logged(day: date, delay_days: int) -> datetime:
    from datetime import UTC, timedelta

    return datetime.combine(day + timedelta(days=delay_days), UTC_NOON, tzinfo=UTC)


def seed_demo_portfolio(candidate) -> bool:
    """Fill the candidate's portfolio if they have no evidence yet; True when added."""
    if db.session.scalar(select(func.count(EvidenceEntry.id)).where(
            EvidenceEntry.candidate_id == candidate.id)):
        return False
    portfolio = db.session.scalar(select(Portfolio).where(Portfolio.candidate_id == candidate.id))
    if portfolio is None:
        return False
    frameworks = {f.code: f for f in portfolio.frameworks}
    for title, day, delay, kind, section, reflection, links in ENTRIES:
        entry = EvidenceEntry(
            candidate_id=candidate.id, organisation_id=candidate.organisation_id, title=title,
            occurred_on=day, evidence_type=kind, reflection=reflection,
            anonymised_confirmed=True, created_at=_logged(day, delay),
            updated_at=_logged(day, delay),
        )
        entry.links = [EvidenceLink(element_id=_element(frameworks, f, code).id, reason=reason)
                       for f, code, reason in links]
        db.session.add(entry)
        db.session.flush()
        if kind != "reading":
            db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id,
                                          section=section))
    _records(portfolio, frameworks)
    db.session.flush()
    return True


def _records(portfolio: Portfolio, frameworks: dict) -> None:
    for point in portfolio.review_points:
        if point.code == "agreement":
            point.completed_on = date(2026, 9, 11)
    db.session.add(SupportAgreement(
        portfolio_id=portfolio.id, agreed_on=date(2026, 9, 11),
        supervision_arrangements="Weekly for the first six weeks, then fortnightly.",
        workload_reduction="A 10% protected caseload: no more than 14 children.",
        protected_time="Wednesday afternoons.",
        development_priorities="Assessment analysis; confident court writing."))
    for stage, agreed, goals in [
        ("beginning", date(2026, 9, 11), "Learn the duty and assessment processes."),
        ("early", date(2026, 10, 9), "Lead a child and family assessment with support."),
    ]:
        db.session.add(DevelopmentPlan(portfolio_id=portfolio.id, stage_code=stage,
                                       agreed_on=agreed, goals=goals,
                                       actions="Shadow, then co-work, then lead."))
    for day in (date(2026, 9, 14), date(2026, 9, 21), date(2026, 9, 28), date(2026, 10, 5),
                date(2026, 10, 19), date(2026, 11, 2), date(2026, 11, 16)):
        db.session.add(SupervisionRecord(
            portfolio_id=portfolio.id, held_on=day, supervisor_name="Rachel Green",
            topics="Caseload, reflection on recent visits, wellbeing.",
            agreed_actions="Complete chronology; read the threshold guidance."))
    for day in (date(2026, 9, 16), date(2026, 9, 30), date(2026, 10, 14), date(2026, 11, 4)):
        db.session.add(ProtectedTimeRecord(
            portfolio_id=portfolio.id, taken_on=day, minutes=210,
            activity="ASYE workshop and reading", workload_reduction_confirmed=True))
    kss = frameworks.get("kss-child-family")
    if kss is not None:
        assessment = KssSelfAssessment(portfolio_id=portfolio.id, stage_code="beginning",
                                       completed_on=date(2026, 9, 25))
        assessment.ratings = [KssRating(element_id=e.id, rating=2 if n % 3 else 1,
                                        comment="Starting point agreed with my assessor.")
                              for n, e in enumerate(kss.elements) if e.depth == 0]
        db.session.add(assessment)


def seed_demo_panel(people: dict) -> bool:
    """Put one candidate's finished portfolio on a scheduled panel's agenda, so the panel
    journey can be tried straight away. Added once."""
    lead, chair, assessor = people["lead"], people["chair"], people["assessor"]
    if db.session.scalar(select(func.count(Panel.id)).where(
            Panel.organisation_id == lead.organisation_id)):
        return False
    portfolio = db.session.scalar(select(Portfolio).where(
        Portfolio.candidate_id == people["chloe.williams"].id))
    if portfolio is None or portfolio.state != "draft":
        return False
    entry = EvidenceEntry(
        candidate_id=portfolio.candidate_id, organisation_id=portfolio.organisation_id,
        title="Reflection on my first year", occurred_on=date(2026, 11, 2),
        evidence_type="critical_reflection", anonymised_confirmed=True,
        reflection="Looking back over the year, the biggest change is how I plan visits.")
    db.session.add(entry)
    db.session.flush()
    db.session.add(PortfolioEntry(portfolio_id=portfolio.id, entry_id=entry.id,
                                  section="reflection-log"))
    operations.submit_for_panel(portfolio.candidate, portfolio, [])
    report = reports.start_assessment(assessor, portfolio)
    reports.save_draft(assessor, report, reports.ReportContent(
        summary="A consistent year with growing confidence in assessment.",
        ratings={d.id: ("on_track", "") for d in reports.pcf_domains(portfolio)},
        holistic_assessment="Chloe practises safely and reflectively at the level expected "
                            "at the end of the ASYE.",
        recommendation="pass"))
    reports.sign_off(assessor, report)
    # The panel sits on the day the demo is loaded, so the chair can record who is present
    # and the decision straight away.
    panel = panels.create_panel(lead, panels.PanelDetails(
        title="ASYE progression panel", sits_on=today_in_england(),
        chair_id=chair.id, member_ids=[people["panel"].id, people["sarah.lewis"].id],
        programme_ids=[portfolio.programme_id]))
    agenda.place_on_agenda(lead, panel, portfolio)
    return True
