"""The round's summary report for Skills for Care: the council (or partnership), the
period, who took part, decided outcomes available and sampled by employer and by outcome,
the moderators' findings and the lead's action plan; as CSV and as a PDF (WeasyPrint, from
templates/moderation/report.html). It names no candidate: samples go by their reference."""

import csv
import io
from collections import Counter
from dataclasses import dataclass

from flask import render_template

from portal.core.dates import today_in_england
from portal.core.spreadsheets import safe_cell
from portal.moderation import queries
from portal.moderation.models import ModerationRound
from portal.moderation.template import JUDGEMENT_QUESTIONS
from portal.programmes.models import Outcome

CSV_TYPE = "text/csv; charset=utf-8"
OUTCOME_NAMES = {outcome.value: outcome.label for outcome in Outcome}


@dataclass
class Finding:
    reference: str
    outcome: str
    moderator: str
    answers: dict[str, bool]
    evidence_missing: list[str]
    overall: str


@dataclass
class RoundSummary:
    round: ModerationRound
    councils: list[str]
    moderators: list[str]
    by_employer: list[tuple[str, int, int]]  # (council, available, sampled)
    by_outcome: list[tuple[str, int, int]]  # (outcome, available, sampled)
    findings: list[Finding]


def _counts(names: dict, available: Counter, sampled: Counter) -> list[tuple[str, int, int]]:
    return [(names[key], available[key], sampled[key]) for key in names]


def summary(moderation_round: ModerationRound) -> RoundSummary:
    available = queries.decided_in_period(moderation_round, today_in_england())
    drawn = {sample.agenda_item_id for sample in moderation_round.samples}
    outcomes = {c.agenda_item_id: c.outcome for c in available}
    councils = {council.id: council.name for council in moderation_round.councils}
    outcome_names = OUTCOME_NAMES
    findings = [
        Finding(reference=sample.agenda_item.reference,
                outcome=outcome_names.get(outcomes.get(sample.agenda_item_id), "Unknown"),
                moderator=feedback.moderator.name if feedback.moderator else "(removed)",
                answers={code: getattr(feedback, code) for code, _l, _h in JUDGEMENT_QUESTIONS},
                evidence_missing=feedback.missing_evidence,
                overall=feedback.overall)
        for sample in moderation_round.samples for feedback in sample.feedback]
    return RoundSummary(
        round=moderation_round, councils=list(councils.values()),
        moderators=[moderator.name for moderator in moderation_round.moderators],
        by_employer=_counts(councils, Counter(c.organisation_id for c in available),
                            Counter(c.organisation_id for c in available
                                    if c.agenda_item_id in drawn)),
        by_outcome=_counts(outcome_names, Counter(c.outcome for c in available),
                           Counter(c.outcome for c in available if c.agenda_item_id in drawn)),
        findings=findings)


def _rows(report: RoundSummary):
    moderation_round = report.round
    yield ["Section", "Name", "Available", "Sampled", "Detail"]
    yield ["Round", moderation_round.title, "", "", ""]
    yield ["Councils", "; ".join(report.councils), "", "", ""]
    yield ["Period", f"{moderation_round.period_start.isoformat()} to "
           f"{moderation_round.period_end.isoformat()}", "", "", ""]
    yield ["Moderators", "; ".join(report.moderators), "", "", ""]
    for name, available, sampled in report.by_employer:
        yield ["NQSWs by employer", name, available, sampled, ""]
    for name, available, sampled in report.by_outcome:
        yield ["Outcomes", name, available, sampled, ""]
    for finding in report.findings:
        answers = "; ".join(f"{label}: {'yes' if finding.answers[code] else 'no'}"
                            for code, label, _hint in JUDGEMENT_QUESTIONS)
        missing = "; ".join(finding.evidence_missing) or "none"
        yield ["Finding", finding.reference, "", "",
               f"{finding.outcome}. {finding.moderator}. {answers}. Evidence missing: "
               f"{missing}. {finding.overall}"]
    yield ["Action plan", moderation_round.action_plan, "", "", ""]


def summary_csv(report: RoundSummary) -> bytes:
    """UTF-8 with a byte order mark (Excel); typed text cannot become a formula."""
    text = io.StringIO()
    writer = csv.writer(text)
    for row in _rows(report):
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _refuse_fetch(url: str, *args, **kwargs):
    # The report is self-contained: WeasyPrint must never reach a file or the network.
    raise ValueError(f"the moderation report does not load external resources ({url[:60]})")


def summary_pdf(report: RoundSummary) -> bytes:
    import weasyprint  # imported here so the portal starts without WeasyPrint's libraries

    html = render_template("moderation/report.html", report=report,
                           questions=JUDGEMENT_QUESTIONS)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse_fetch).write_pdf()
