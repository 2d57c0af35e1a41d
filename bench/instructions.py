"""Instructions per request for each key page: a repeatable measure on a noisy machine.

`make bench` reports throughput, which moves by ±20% from run to run on a shared virtual
machine. This counts the CPU instructions the portal's own process spends per request
(under valgrind's callgrind), which is the same on every run of the same code and data, so
a change can be judged in one run.

    .venv/bin/python -m bench.instructions --database-url postgresql://.../portal_bench

A second run, not under callgrind, reads PostgreSQL's own CPU time per request for each
page from its backend process (/proc/<pid>/schedstat, nanoseconds; PostgreSQL must run on
the same machine, or the column shows "–"), so both halves of a page's cost are measured.

Needs valgrind (Debian package `valgrind`) and a database filled by `bench-seed`. Pages
are fetched in-process with Flask's test client, as one bench user of each role. The
upload's files go to a temporary folder, and its rows are removed afterwards.
"""

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from bench.uploads import uploads_undone

ROOT = Path(__file__).resolve().parent.parent
# Each call of getppid() marks a boundary: callgrind writes the counts so far to a file.
MARKER = "getppid"
CSRF_IN_FORM = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def _signed_in_client(app, email: str, password: str):
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://localhost").get_data(as_text=True)
    match = CSRF_IN_FORM.search(page)
    token = match.group(1) or match.group(2)
    response = client.post(
        "/sign-in", base_url="https://localhost",
        headers={"Referer": "https://localhost/sign-in"},
        data=urlencode({"email": email, "password": password, "csrf_token": token}),
        content_type="application/x-www-form-urlencoded")
    if response.status_code not in (302, 303):
        raise RuntimeError(f"sign-in failed for {email}: {response.status_code}")
    return client


def _page_fetch(client, path: str):
    def fetch():
        response = client.get(path, base_url="https://localhost")
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return fetch


def _upload_fetch(client, path: str, entry_page: str):
    """POST the bench's 45 KB file as `make bench` does: the same file and sign-in cookie
    every time, each with its own one-time form key (wrk keeps neither the session cookie
    a response sets nor its flashed message)."""
    from bench.run import SMALL_UPLOAD, fresh_form_key, multipart

    page = client.get(entry_page, base_url="https://localhost").get_data(as_text=True)
    match = CSRF_IN_FORM.search(page)
    cookie = client.get_cookie("portal_session", domain="localhost").value

    def fetch():
        # Each upload with its own one-time key, or the form would store nothing again.
        body, content_type = multipart(match.group(1) or match.group(2),
                                       "bench-evidence.pdf", SMALL_UPLOAD, fresh_form_key())
        client.set_cookie("portal_session", cookie, domain="localhost")
        response = client.post(path, base_url="https://localhost", data=body,
                               content_type=content_type,
                               headers={"Referer": "https://localhost" + entry_page})
        if response.status_code != 303:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return fetch


def _jobs(database_url: str, pages: str) -> list:
    """(name, fetch) for the floor and each chosen page, every one fetched 3 times already
    (caches filled, statements prepared)."""
    from bench.run import BENCH_PASSWORD, chosen_pages, discover
    from bench.wsgi import app

    sessions, _dataset = discover(database_url, 1, random.Random(1))  # noqa: S311
    jobs = [("floor (1 query, 50 rows)", _page_fetch(app.test_client(), "/bench/floor"))]
    for spec in chosen_pages(pages):
        if not sessions.get(spec.role):
            continue
        session = sessions[spec.role][0]
        client = _signed_in_client(app, session.email, BENCH_PASSWORD)
        path = spec.paths(session)[0]
        fetch = (_upload_fetch(client, path, f"/evidence/{session.data['entry']}")
                 if spec.upload else _page_fetch(client, path))
        jobs.append((spec.name, fetch))
    for _name, fetch in jobs:
        for _ in range(3):
            fetch()
    return jobs


def measure_in_this_process(database_url: str, requests: int, pages: str) -> None:
    """The part that runs under callgrind: warm every page, then mark and fetch each."""
    jobs = _jobs(database_url, pages)
    print("PAGES " + json.dumps([name for name, _fetch in jobs]), flush=True)
    for _name, fetch in jobs:
        os.getppid()
        for _ in range(requests):
            fetch()
    os.getppid()


def _cpu_ns(pid: int) -> int:
    """CPU time a process has used, in nanoseconds (the first field of schedstat)."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def _app_backend() -> int | None:
    """The PostgreSQL backend serving this process's requests: requests run one at a
    time here, so the pool holds one connection. None if that cannot be told."""
    from sqlalchemy import text

    from bench.wsgi import app
    from portal.core.db import db

    with app.app_context():
        if db.engine.dialect.name != "postgresql" or db.engine.pool.checkedin() != 1:
            return None
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
        db.session.remove()
    # Only a PostgreSQL server on this machine, seen as such: in a container the pid
    # could belong to some other process here.
    comm = Path(f"/proc/{pid}/comm")
    if not comm.exists() or comm.read_text().strip() != "postgres":
        return None
    return pid


def measure_database_share(database_url: str, requests: int, pages: str) -> None:
    """Not under callgrind: PostgreSQL's CPU time per request for each page, read from its
    backend process (on the same machine) before and after the page's requests."""
    jobs = _jobs(database_url, pages)
    backend = _app_backend()
    shares = {}
    for name, fetch in jobs:
        if backend is None:
            shares[name] = None
            continue
        before = _cpu_ns(backend)
        for _ in range(requests):
            fetch()
        shares[name] = (_cpu_ns(backend) - before) / requests / 1e6
    print("DATABASE " + json.dumps(shares), flush=True)


def _totals(out_file: Path) -> list[int]:
    """Instruction totals of each numbered dump, in order."""
    numbered = sorted((int(p.name.rsplit(".", 1)[1]), p)
                      for p in out_file.parent.glob(out_file.name + ".*")
                      if p.name.rsplit(".", 1)[1].isdigit())
    totals = []
    for _number, path in numbered:
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith(("summary:", "totals:")):
                totals.append(int(line.split()[1]))
                break
    return totals


def _reported(stdout: str, prefix: str):
    return json.loads(next(line for line in stdout.splitlines()
                           if line.startswith(prefix))[len(prefix):])


def table_rows(pages: list[str], per_page: list[float], shares: dict) -> list[dict]:
    """One row a page: instructions and PostgreSQL's CPU per request, each as a ratio to
    the floor's (the first page)."""
    floor, floor_share = per_page[0], shares.get(pages[0])
    rows = []
    for name, count in zip(pages, per_page, strict=True):
        share = shares.get(name)
        rows.append({
            "page": name, "instructions_per_request": round(count),
            "x_floor": round(floor / count, 2),
            "database_ms_per_request": None if share is None else round(share, 3),
            "database_x_floor": (round(floor_share / share, 2)
                                 if share and floor_share else None)})
    return rows


def format_rows(rows: list[dict]) -> str:
    def number(value, places):
        return "–" if value is None else f"{value:.{places}f}"

    lines = [f"{'Page':<26}  {'M instr/req':>11}  {'x floor':>7}  {'PG ms/req':>9}  "
             f"{'x floor':>7}"]
    for row in rows:
        lines.append(
            f"{row['page']:<26}  {row['instructions_per_request'] / 1e6:>11.2f}  "
            f"{row['x_floor']:>7.2f}  {number(row['database_ms_per_request'], 3):>9}  "
            f"{number(row['database_x_floor'], 2):>7}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=8, help="per page, after warming")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "instructions.json"))
    parser.add_argument("--pages", default="",
                        help="only pages whose names contain one of these comma-separated "
                             "words (the floor is always measured)")
    parser.add_argument("--database-requests", type=int, default=200,
                        help="per page, for PostgreSQL's share (not under callgrind)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    if args.child:
        measure_in_this_process(args.database_url, args.requests, args.pages)
        return 0
    if args.database_child:
        measure_database_share(args.database_url, args.database_requests, args.pages)
        return 0
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="portal-instructions-"))
    out_file = work / "callgrind.out"
    environment = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": "i" * 64,
                   "PORTAL_BASE_URL": "https://bench.invalid", "RATELIMIT_ENABLED": "false",
                   "DATABASE_URL": args.database_url,
                   "PORTAL_INSTANCE_PATH": str(work / "instance"),
                   "UPLOAD_DIR": str(work / "uploads"), "ATTACHMENT_QUOTA_MB": "1000000"}
    print(f"Counting instructions under callgrind ({args.requests} requests a page; "
          "a few minutes)...", flush=True)
    try:
        with uploads_undone(args.database_url):
            child = subprocess.run(  # noqa: S603 (our own arguments)
                ["valgrind", "--tool=callgrind", f"--dump-before={MARKER}",  # noqa: S607
                 f"--callgrind-out-file={out_file}", sys.executable, "-m",
                 "bench.instructions", "--child", "--database-url", args.database_url,
                 "--requests", str(args.requests), "--pages", args.pages],
                cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
            pages = _reported(child.stdout, "PAGES ")
            # Dump 1 is start-up and warming; dumps 2.. are one page each, in order.
            per_page = [total / args.requests
                        for total in _totals(out_file)[1:1 + len(pages)]]
            print(f"PostgreSQL's share ({args.database_requests} requests a page)...",
                  flush=True)
            shares = _reported(subprocess.run(  # noqa: S603 (our own arguments)
                [sys.executable, "-m", "bench.instructions", "--database-child",
                 "--database-url", args.database_url, "--database-requests",
                 str(args.database_requests), "--pages", args.pages],
                cwd=ROOT, env=environment, capture_output=True, text=True,
                check=True).stdout, "DATABASE ")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = table_rows(pages, per_page, shares)
    print(format_rows(rows))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"requests_per_page": args.requests,
                                          "database_requests_per_page": args.database_requests,
                                          "pages": rows}, indent=2))
    print(f"Saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
