"""Portfolio packs: asked for by someone who may read a submitted snapshot, built as a PDF
by a background job, kept in file storage and downloaded by the person who asked (each
download audited).

The job runs on a worker on PostgreSQL, or in this process after the commit with
JOBS_INLINE (see portal/core/jobs.py); either way it is the same function.
"""

import tempfile
from pathlib import Path

from sqlalchemy import select

from portal.accounts.models import User
from portal.core import audit, jobs
from portal.core.db import db, utcnow
from portal.core.storage import get_storage
from portal.packs import pdf
from portal.packs.contents import pack_context
from portal.packs.models import PackState, PortfolioPack
from portal.panels.models import AgendaItem
from portal.portfolios.models import PortfolioSnapshot

# A pack of a long portfolio with many attached documents; past this something is wrong.
MAX_PACK_BYTES = 2 * 1024 * 1024 * 1024
UNDER_WAY = (PackState.QUEUED, PackState.BUILDING)
# After the files: laying out the pages, merging the attachments in, storing the pack.
LATER_STEPS = 3


def latest_pack(snapshot: PortfolioSnapshot, requester: User,
                item: AgendaItem | None = None, copy=None) -> PortfolioPack | None:
    """The most recent pack of `snapshot` that `requester` asked for (from `item`'s agenda,
    of the approved anonymised `copy`, or from the portfolio when neither is given)."""
    from_where = (PortfolioPack.agenda_item_id == item.id if item
                  else PortfolioPack.agenda_item_id.is_(None))
    from_where &= (PortfolioPack.copy_id == copy.id if copy
                   else PortfolioPack.copy_id.is_(None))
    return db.session.scalar(
        select(PortfolioPack)
        .where(PortfolioPack.snapshot_id == snapshot.id,
               PortfolioPack.requested_by_id == requester.id, from_where)
        .order_by(PortfolioPack.requested_at.desc(), PortfolioPack.id.desc()).limit(1))


def request_pack(actor: User, snapshot: PortfolioSnapshot,
                 item: AgendaItem | None = None, copy=None) -> PortfolioPack:
    """Ask for a pack of `snapshot`, unless one `actor` asked for is still being built.

    The caller has checked that `actor` may read the snapshot (as a panel member when
    `item` is given: the pack is then anonymised; with an approved `copy` it applies the
    copy's approved replacements). Flushes and writes the audit row; the
    job runs once the caller commits.
    """
    pack = latest_pack(snapshot, actor, item, copy)
    if pack is not None and pack.state in UNDER_WAY:
        return pack  # under way: one build is enough
    pack = PortfolioPack(snapshot_id=snapshot.id, agenda_item_id=item and item.id,
                         copy_id=copy and copy.id,
                         requested_by_id=actor.id, state=PackState.QUEUED,
                         requested_at=utcnow())
    db.session.add(pack)
    db.session.flush()
    audit.record(actor, "portfolio_pack.requested", pack, snapshot_id=snapshot.id,
                 anonymised=pack.anonymised)
    jobs.defer(build_pack, pack_id=pack.id)
    return pack


def record_download(actor: User, pack: PortfolioPack) -> None:
    """Each download is audited: the pack holds the candidate's reflections."""
    audit.record(actor, "portfolio_pack.downloaded", pack, snapshot_id=pack.snapshot_id,
                 anonymised=pack.anonymised)


def _progress(pack: PortfolioPack, done: int) -> None:
    """Record how far the build has got, for the polling fragment (its own commit)."""
    pack.steps_done = done
    db.session.commit()


@jobs.job("packs.build_pack")
def build_pack(pack_id: int) -> None:
    """Build and store the pack. A failure is recorded on the pack (the page says so and
    offers to try again) and raised, so the worker retries it with a growing wait."""
    pack = db.session.get(PortfolioPack, pack_id)
    if pack is None or pack.state == PackState.READY:
        return  # gone with its snapshot or requester, or built by an earlier attempt
    try:
        with tempfile.TemporaryDirectory(prefix="pack-") as folder:
            stored, pages = _build(pack, Path(folder))
    except Exception as error:
        db.session.rollback()
        pack = db.session.get(PortfolioPack, pack_id)
        pack.state, pack.last_error = PackState.FAILED, type(error).__name__[:120]
        db.session.commit()
        raise
    pack.state, pack.ready_at, pack.last_error = PackState.READY, utcnow(), None
    pack.stored_name, pack.sha256, pack.size, pack.pages = (
        stored.stored_name, stored.sha256, stored.size, pages)
    pack.steps_done = pack.steps_total


def _build(pack: PortfolioPack, folder: Path):
    """Fetch the PDF attachments, lay out the pages, merge, store: (stored file, pages)."""
    context = pack_context(pack.snapshot, pack.requested_by, pack.agenda_item,
                           pack.copy)
    files = context["files"]
    # An anonymised copy's reviewer read the files' names, not their contents: listed only.
    wanted = [] if pack.copy_id else [file for file in files if file.wants_merging]
    pack.state, pack.steps_total = PackState.BUILDING, len(wanted) + LATER_STEPS
    _progress(pack, 0)
    paths = {}
    for done, file in enumerate(wanted, start=1):
        path = pdf.fetch_file(file, folder)
        if path is not None:
            paths[file.number] = path
        _progress(pack, done)
    document = pdf.render_body(context)
    body_path = folder / "body.pdf"
    document.write_pdf(body_path)
    _progress(pack, len(wanted) + 1)
    pack_path = folder / "pack.pdf"
    with pack_path.open("wb") as target:
        pages = pdf.merge(document, body_path, files, paths, target,
                          title=f"Portfolio pack: {context['reference']}")
    _progress(pack, len(wanted) + 2)
    with pack_path.open("rb") as source:
        stored = get_storage().save_stream(source, MAX_PACK_BYTES)
    return stored, pages
