"""Building one portfolio pack (issue 21): a 120-item submission with 20 attached PDFs, its
wall time and the building process's peak memory, against the targets of under 10 seconds
and under 300 MB.

    .venv/bin/python -m bench.packs

It needs no benchmark database: it makes a scratch SQLite database and upload folder of its
own (migrated, then seeded with one candidate's submission), and builds the pack in a fresh
process, as a worker would, so that the peak memory counted is the build's and not the
seeding's. The job is the worker's own (`build_pack`), run in-process (JOBS_INLINE).
"""

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from portal.accounts.models import User, UserRole
from portal.accounts.roles import Role
from portal.core.db import db
from portal.core.storage import get_storage
from portal.evidence.models import Attachment, EvidenceEntry
from portal.frameworks.queries import load_shipped_frameworks
from portal.organisations.models import Cohort, CohortMembership, Organisation
from portal.packs import operations
from portal.packs.models import PackState, PortfolioPack
from portal.panels.decisions import ensure_decision_codes
from portal.portfolios import operations as portfolios
from portal.portfolios.models import PortfolioSnapshot, SupervisionRecord
from portal.programmes.templates import install_template

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH_PACKS "
TARGET_SECONDS, TARGET_MB = 10, 300
WORDS = ["visit", "family", "risk", "plan", "school", "worry", "child", "mother", "father",
         "safety", "analysis", "supervision", "reflection", "strengths", "court", "review",
         "network", "practice", "evidence"]


def _reflection(rng: random.Random) -> str:
    """About 250 words in three paragraphs: a typical reflection's length."""
    return "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(85)).capitalize() + "."
                       for _ in range(3))


def _attachment_pdf(number: int) -> bytes:
    """A five-page document, different for each file (so each has its own SHA-256)."""
    import weasyprint

    pages = "".join(f"<section style='break-after: page'><h1>Document {number}, page {n}</h1>"
                    f"<p>{'Case note text. ' * 200}</p></section>" for n in range(1, 6))
    return weasyprint.HTML(string=pages).write_pdf()


def seed(items: int, pdfs: int) -> tuple[int, int]:
    """One candidate's final submission of `items` entries, `pdfs` of them with a PDF
    attached, and a year of supervision; returns (snapshot id, candidate id)."""
    rng = random.Random(21)  # noqa: S311 (synthetic text)
    load_shipped_frameworks()
    council = Organisation(name="Bench council", short_name="BENCH")
    db.session.add(council)
    db.session.flush()
    programme = install_template(council, "asye-child-family")
    ensure_decision_codes(programme)
    candidate = User(organisation_id=council.id, name="Bench Candidate",
                     email="bench.candidate@example.org", active=True,
                     password_hash="-")  # noqa: S106 (no sign-in: it never runs a page)
    candidate.role_grants = [UserRole(role=Role.CANDIDATE.value)]
    cohort = Cohort(organisation_id=council.id, programme_id=programme.id, name="Bench",
                    start_date=date(2025, 9, 1), entry_route="university")
    db.session.add_all([candidate, cohort])
    db.session.flush()
    membership = CohortMembership(cohort_id=cohort.id, candidate_id=candidate.id,
                                  joined_on=date(2025, 9, 1))
    db.session.add(membership)
    db.session.flush()
    portfolio = portfolios.enrol(None, membership)
    storage, documents = get_storage(), [_attachment_pdf(n) for n in range(pdfs)]
    for n in range(items):
        entry = EvidenceEntry(candidate_id=candidate.id, organisation_id=council.id,
                              title=f"Evidence {n + 1}: a home visit", evidence_type="other",
                              occurred_on=date(2025, 9, 8) + timedelta(days=2 * n),
                              reflection=_reflection(rng))
        db.session.add(entry)
        db.session.flush()
        if n % (items // pdfs) == 0 and documents:
            content = documents.pop()
            stored = storage.save_stream(io.BytesIO(content), len(content))
            db.session.add(Attachment(
                entry_id=entry.id, owner_id=candidate.id, original_name=f"Notes {n}.pdf",
                stored_name=stored.stored_name, content_type="application/pdf",
                size_bytes=stored.size, sha256=stored.sha256))
        portfolios.include_entry(candidate, portfolio, entry, None)
    for month in range(12):
        db.session.add(SupervisionRecord(
            portfolio_id=portfolio.id, held_on=date(2025, 9, 15) + timedelta(days=30 * month),
            supervisor_name="Bench Supervisor", topics=_reflection(rng), agreed_actions="-"))
    snapshot = portfolios.submit_for_panel(candidate, portfolio, [])
    db.session.commit()
    return snapshot.id, candidate.id


def build(snapshot_id: int, candidate_id: int) -> dict:
    """Ask for the candidate's pack and build it (in this process); time it."""
    candidate = db.session.get(User, candidate_id)
    snapshot = db.session.get(PortfolioSnapshot, snapshot_id)
    started, cpu_started = time.perf_counter(), time.process_time()
    pack = operations.request_pack(candidate, snapshot)
    db.session.commit()  # the job runs now (JOBS_INLINE), before the context ends
    pack_id = pack.id
    operations.build_pack(pack_id=pack_id)
    seconds, cpu_seconds = time.perf_counter() - started, time.process_time() - cpu_started
    db.session.expire_all()  # the job ran in a context (and session) of its own
    pack = db.session.scalar(select(PortfolioPack).where(PortfolioPack.id == pack_id))
    if pack.state != PackState.READY:
        raise SystemExit(f"the pack was not built: {pack.state} {pack.last_error}")
    # On a shared machine the wall time includes waiting for a core; the CPU time does not.
    return {"seconds": round(seconds, 2), "cpu_seconds": round(cpu_seconds, 2),
            "load_average": round(os.getloadavg()[0], 1), "pages": pack.pages,
            "megabytes": round(pack.size / 1024 / 1024, 1)}


def _app(folder: Path):
    from portal import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/portal.db",
                       "UPLOAD_DIR": str(folder / "uploads"), "FILE_STORAGE": "local",
                       "JOBS_INLINE": True})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=120)
    parser.add_argument("--pdfs", type=int, default=20)
    parser.add_argument("--build", nargs=2, type=int, metavar=("SNAPSHOT", "CANDIDATE"),
                        help=argparse.SUPPRESS)  # the child process: build only
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build:
        with _app(Path(args.folder)).app_context():
            result = build(*args.build)
        result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        print(RESULT_PREFIX + json.dumps(result), flush=True)
        return 0
    from flask_migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="bench-packs-") as scratch:
        folder = Path(scratch)
        with _app(folder).app_context():
            upgrade()
            snapshot_id, candidate_id = seed(args.items, args.pdfs)
        output = subprocess.run(  # noqa: S603 (our own arguments)
            [sys.executable, "-m", "bench.packs", "--folder", scratch, "--build",
             str(snapshot_id), str(candidate_id)],
            cwd=ROOT, stdout=subprocess.PIPE, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith(RESULT_PREFIX))
    result = {"items": args.items, "pdfs": args.pdfs, **json.loads(line.removeprefix(
        RESULT_PREFIX))}
    met = result["seconds"] < TARGET_SECONDS and result["peak_mb"] < TARGET_MB
    print(f"Portfolio pack: {result['seconds']} s ({result['cpu_seconds']} s of CPU, load "
          f"average {result['load_average']}), peak {result['peak_mb']} MB, "
          f"{result['pages']} pages ({result['megabytes']} MB) for {args.items} items and "
          f"{args.pdfs} attached PDFs -> {'met' if met else 'MISSED'} "
          f"(targets: under {TARGET_SECONDS} s and {TARGET_MB} MB)")
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
