"""What a pack holds, worked out from the frozen snapshot (never the live evidence or
records) and from what its requester may read.

The snapshot holds the evidence and records as submitted: signed-off direct observations
and outside feedback are evidence entries there too, so they come from it as well. Review
reports and panel decisions are not in a snapshot; the pack adds the ones about this
submission, which are locked once signed off or recorded (a correction is a new decision).
"""

from dataclasses import dataclass

from sqlalchemy import select

from portal.accounts.models import User
from portal.core.db import db, utcnow
from portal.evidence.models import Attachment, EvidenceType
from portal.packs.assessment import panel_decisions, review_reports
from portal.packs.copies import queries as copies
from portal.packs.copies.models import AnonymisedCopy, CopyState
from portal.panels.anonymity import anonymiser
from portal.panels.models import AgendaItem
from portal.panels.snapshot_files import file_label, snapshot_files
from portal.portfolios import snapshots
from portal.portfolios.models import Portfolio, PortfolioSnapshot
from portal.programmes.configuration import configuration
from portal.visibility import Kind, viewer

PDF_TYPE = "application/pdf"
OBSERVATIONS = {EvidenceType.DIRECT_OBSERVATION.value}
OUTSIDE_FEEDBACK = {EvidenceType.LIVED_EXPERIENCE_FEEDBACK.value,
                    EvidenceType.COLLEAGUE_FEEDBACK.value}


@dataclass
class PackFile:
    """One of the snapshot's files, numbered as the snapshot lists them."""

    number: int
    entry_id: int
    label: str
    sha256: str
    size_bytes: int
    content_type: str
    stored_name: str | None  # None: the candidate has removed the file since
    pages: int = 0  # set once fetched and read as a PDF: it is then merged in

    @property
    def anchor(self) -> str:
        return f"file-{self.number}"

    @property
    def merged(self) -> bool:
        return self.pages > 0

    @property
    def wants_merging(self) -> bool:
        return self.content_type == PDF_TYPE and self.stored_name is not None


def pack_files(snapshot: PortfolioSnapshot, item: AgendaItem | None,
               redact=None) -> list[PackFile]:
    """The snapshot's files, each matched to the stored attachment with its entry and hash
    (one query), labelled as the panel labels them for a panel's pack, or with `redact`
    (an approved copy's replacements)."""
    listed = snapshot_files(snapshot.content)
    entry_ids = {file["entry_id"] for file in listed}
    stored = {}
    if entry_ids:
        for row in db.session.execute(
                select(Attachment.entry_id, Attachment.sha256, Attachment.stored_name)
                .where(Attachment.entry_id.in_(entry_ids)).order_by(Attachment.id.desc())):
            stored[(row.entry_id, row.sha256)] = row.stored_name
    return [PackFile(number=number, entry_id=file["entry_id"],
                     label=(file_label(item, file["name"], number) if item
                            else redact(file["name"]) if redact else file["name"]),
                     sha256=file["sha256"], size_bytes=file["size_bytes"],
                     content_type=file["content_type"],
                     stored_name=stored.get((file["entry_id"], file["sha256"])))
            for number, file in enumerate(listed, start=1)]


def evidence_groups(snapshot: PortfolioSnapshot, portfolio: Portfolio) -> dict:
    """The entries in the programme's sections (in its order), then direct observations
    and outside feedback apart, as the outline lists them."""
    entries = snapshot.content["entries"]
    sections = [(component.code, component.title) for component in
                configuration(portfolio.programme).evidence_sections]
    known = {code for code, _title in sections}
    general = [e for e in entries if e["section"] not in known
               and e["evidence_type"] not in OBSERVATIONS | OUTSIDE_FEEDBACK]
    grouped = [(title, [e for e in entries if e["section"] == code]) for code, title in sections]
    if general:
        grouped.append(("General evidence", general))
    return {
        "sections": [(title, rows) for title, rows in grouped if rows],
        "observations": [e for e in entries if e["evidence_type"] in OBSERVATIONS],
        "outside_feedback": [e for e in entries if e["evidence_type"] in OUTSIDE_FEEDBACK],
    }


def pack_context(snapshot: PortfolioSnapshot, requester: User,
                 item: AgendaItem | None, copy: AnonymisedCopy | None = None) -> dict:
    """Everything templates/packs/pack.html needs, but for each file's page count (the
    job sets that once it has fetched the file). An approved copy's pack holds what the
    copy covers: the evidence, the records, and the reports and decisions made before the
    copy was started (every replacement in them reviewed)."""
    portfolio = db.session.get(Portfolio, snapshot.portfolio_id)
    # The panel's view for the panel's own council (its members, its leads) and for a
    # guest member actually seated on it; never for someone of another council who merely
    # asked (a partnership lead preparing a moderation pack).
    on_panel = item is not None and (item.panel.organisation_id == requester.organisation_id
                                     or item.panel.has_member(requester.id))
    seen_by = viewer(requester, portfolio.candidate_id, on_panel=on_panel)
    redact = copies.redactor(copy) if copy else anonymiser(item) if item else None
    files = pack_files(snapshot, item, redact if copy else None)
    by_entry: dict[int, list[PackFile]] = {}
    for file in files:
        by_entry.setdefault(file.entry_id, []).append(file)
    return {
        "snapshot": snapshot, "content": snapshot.content, "item": item, "copy": copy,
        "portfolio": portfolio, "candidate": None if redact else portfolio.candidate,
        "reference": (item.reference if item else f"Anonymised copy {copy.id}" if copy
                      else f"Submission {snapshot.id}"),
        "requester": requester, "redact": redact, "intact": snapshots.verify(snapshot),
        "element_titles": snapshots.element_titles(snapshot.content),
        "files": files, "files_by_entry": by_entry, "made_at": utcnow(),
        **_assessment(snapshot, item, copy, seen_by),
        **evidence_groups(snapshot, portfolio),
    }


def _assessment(snapshot: PortfolioSnapshot, item: AgendaItem | None,
                copy: AnonymisedCopy | None, seen_by) -> dict:
    """The reports and decisions the pack prints (None: not for this reader). An approved
    copy was approved for sharing by a lead of the candidate's council, who reviewed every
    replacement in the reports and decisions it covers: its pack holds exactly those,
    whoever may ask for it (that council's leads, or a moderation round's lead while the
    council shares its external moderation)."""
    if copy is not None:
        if copy.state != CopyState.APPROVED:
            return {"reports": None, "decisions": None}
        return {"reports": review_reports(snapshot, None, copy.created_at),
                "decisions": panel_decisions(snapshot, None, copy.created_at)}
    return {"reports": review_reports(snapshot, item)
            if seen_by.can_read(Kind.REVIEW_REPORT) else None,
            "decisions": panel_decisions(snapshot, item)
            if seen_by.can_read(Kind.DECISION) else None}
