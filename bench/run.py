"""The load benchmark: start the portal under gunicorn (2 workers, each with the threads
gunicorn.conf.py sets, as production runs it), sign in many bench users of each role,
drive every key page with wrk for a fixed time, measure the floor page in the same run,
count SQL per request, time a 100 MB upload and watch the worker's memory, then time one
daily reminder run over the same data (bench/reminders.py).

    .venv/bin/python -m bench.run --database-url postgresql://postgres@127.0.0.1/portal_bench

Prints the table and writes bench/results/latest.json. Needs wrk (Debian package `wrk`)
and a database filled by `python -m bench.seed`.
"""

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import runpy
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import reminders as bench_reminders
from bench import report
from bench.uploads import uploads_undone
from portal.config import HOST_ONLY_PREFIX, SESSION_COOKIE

ROOT = Path(__file__).resolve().parent.parent
BENCH_PASSWORD = "bench-portal-2026"  # noqa: S105 (synthetic accounts, see bench/seed.py)
BENCH_EMAILS = "%@bench%.example.org"
CSRF_IN_FORM = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SMALL_UPLOAD = b"%PDF-1.4\n" + b"Synthetic evidence for the benchmark upload.\n" * 1100
BIG_UPLOAD_MB = 100
# The bench server runs with production's settings, so its cookie has the __Host- prefix.
COOKIE_NAME = HOST_ONLY_PREFIX + SESSION_COOKIE
QUERY_SAMPLES = 12


# HTTP with a manual cookie (production cookies are Secure; the bench talks plain HTTP) ----
@dataclass
class Session:
    email: str
    role: str
    cookie: str = ""
    csrf: str = ""
    data: dict = field(default_factory=dict)


def _request(port: int, method: str, path: str, cookie: str = "", body: bytes | None = None,
             headers: dict | None = None, timeout: float = 60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    all_headers = {"Cookie": f"{COOKIE_NAME}={cookie}"} if cookie else {}
    all_headers.update(headers or {})
    connection.request(method, path, body=body, headers=all_headers)
    response = connection.getresponse()
    payload = response.read()
    connection.close()
    new_cookie = cookie
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith(f"{COOKIE_NAME}="):
            new_cookie = value.split(";", 1)[0].split("=", 1)[1]
    return response, payload.decode("utf-8", "replace"), new_cookie


def sign_in(port: int, session: Session) -> Session:
    """GET the form (CSRF is session-bound), POST it, then load /home for the token that
    later POSTs (uploads) need."""
    _response, page, cookie = _request(port, "GET", "/sign-in")
    match = CSRF_IN_FORM.search(page)
    if not match:
        raise RuntimeError("no CSRF token on the sign-in page")
    token = match.group(1) or match.group(2)
    from urllib.parse import urlencode

    form = urlencode({"email": session.email, "password": BENCH_PASSWORD, "csrf_token": token})
    response, _page, cookie = _request(
        port, "POST", "/sign-in", cookie, form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    if response.status not in (302, 303):
        raise RuntimeError(f"sign-in failed for {session.email}: {response.status}")
    _response, page, cookie = _request(port, "GET", "/home", cookie)
    match = CSRF_IN_FORM.search(page)  # the sign-out form on every signed-in page
    if not match:
        raise RuntimeError(f"no CSRF token on /home for {session.email}")
    session.cookie, session.csrf = cookie, match.group(1) or match.group(2)
    return session


# Who to be: bench users straight from the database ---------------------------------------
def discover(database_url: str, per_role: int, rng: random.Random) -> dict[str, list[Session]]:
    """Bench users of each role, spread over every council, with the ids their pages need."""
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    found: dict[str, list[Session]] = {}
    with engine.connect() as connection:
        def users(role: str):
            rows = connection.execute(text(
                "SELECT u.id, u.email, u.organisation_id FROM user_account u "
                "JOIN user_role r ON r.user_id = u.id "
                "WHERE r.role = :role AND u.email LIKE :emails ORDER BY u.id"),
                {"role": role, "emails": BENCH_EMAILS}).all()
            return rng.sample(rows, min(per_role, len(rows)))

        candidates = []
        for user_id, email, _org in users("candidate"):
            row = connection.execute(text(
                "SELECT p.id, (SELECT max(e.id) FROM evidence_entry e "
                "WHERE e.candidate_id = p.candidate_id) FROM portfolio p "
                "WHERE p.candidate_id = :id ORDER BY p.id LIMIT 1"), {"id": user_id}).first()
            if row and row[1]:
                candidates.append(Session(email, "candidate",
                                          data={"portfolio": row[0], "entry": row[1]}))
        found["candidate"] = candidates
        found["assessor"] = [Session(email, "assessor") for _id, email, _org in users("assessor")]
        leads = []
        for _id, email, org in users("programme_lead"):
            cohorts = connection.scalars(text(
                "SELECT id FROM cohort WHERE organisation_id = :org ORDER BY id"),
                {"org": org}).all()
            leads.append(Session(email, "programme_lead", data={"cohorts": cohorts}))
        found["programme_lead"] = leads
        found["panel_member"] = _panel_members(connection, per_role, rng)
        counts = {table: connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                  for table in ("user_account", "evidence_entry", "evidence_link",
                                "portfolio", "portfolio_entry", "attachment", "panel",
                                "agenda_item", "panel_decision")}
    engine.dispose()
    return found, counts


def _panel_members(connection, per_role: int, rng: random.Random) -> list[Session]:
    """Panel members (chairs included) who sit on an upcoming panel, taken in turn from
    each council, each with the soonest such panel that has portfolios on its agenda."""
    rows = connection.execute(text(
        "SELECT u.id, u.email, u.organisation_id FROM user_account u "
        "JOIN user_role r ON r.user_id = u.id "
        "WHERE r.role = 'panel_member' AND u.email LIKE :emails AND EXISTS ("
        "  SELECT 1 FROM panel_member m JOIN panel p ON p.id = m.panel_id "
        "  WHERE m.user_id = u.id AND p.sits_on >= CURRENT_DATE) ORDER BY u.id"),
        {"emails": BENCH_EMAILS}).all()
    by_council: dict[int, list] = {}
    for row in rng.sample(rows, len(rows)):
        by_council.setdefault(row[2], []).append(row)
    chosen = []
    while len(chosen) < per_role and any(by_council.values()):
        for council in sorted(by_council):
            if by_council[council] and len(chosen) < per_role:
                chosen.append(by_council[council].pop())
    sessions = []
    for user_id, email, _org in chosen:
        panel_id = connection.scalar(text(
            "SELECT p.id FROM panel p JOIN panel_member m ON m.panel_id = p.id "
            "WHERE m.user_id = :id AND p.sits_on >= CURRENT_DATE ORDER BY "
            "(SELECT count(*) FROM agenda_item a WHERE a.panel_id = p.id "
            "AND a.state = 'waiting') = 0, p.sits_on, p.id LIMIT 1"), {"id": user_id})
        sessions.append(Session(email, "panel_member", data={"panel": panel_id}))
    return sessions


# The pages -------------------------------------------------------------------------------
@dataclass
class PageSpec:
    name: str
    role: str
    paths: object  # callable(session) -> list of paths
    method: str = "GET"
    upload: bool = False
    requires: str = ""  # a URL prefix that must exist, or the page is skipped
    skip: str = ""


PAGES = [
    PageSpec("candidate home", "candidate", lambda s: ["/home"]),
    PageSpec("evidence list (filtered)", "candidate",
             lambda s: ["/evidence/?type=critical_reflection&q=visit"]),
    PageSpec("sufficiency", "candidate",
             lambda s: [f"/portfolios/{s.data['portfolio']}/sufficiency"]),
    PageSpec("portfolio", "candidate", lambda s: [f"/portfolios/{s.data['portfolio']}"]),
    PageSpec("assessor queue", "assessor", lambda s: ["/assess/"], requires="/assess/"),
    PageSpec("panel agenda", "panel_member", lambda s: [f"/panels/{s.data['panel']}"]),
    PageSpec("lead cohort overview", "programme_lead",
             lambda s: [f"/cohorts/{c}" for c in s.data["cohorts"]]),
    PageSpec("lead home", "programme_lead", lambda s: ["/home"]),
    PageSpec("progression report", "programme_lead", lambda s: ["/workforce/progression"]),
    PageSpec("retention report", "programme_lead", lambda s: ["/workforce/retention"]),
    PageSpec("ASYE claim list", "programme_lead", lambda s: ["/workforce/claims"]),
    PageSpec("evidence upload (45 KB)", "candidate",
             lambda s: [f"/evidence/{s.data['entry']}/attachments"], method="POST",
             upload=True),
]


# The upload form's one-time key (portal.core.once): a form sent again with the same key
# stores nothing, so every upload the bench sends needs its own. Bodies carry this slot,
# and whoever sends one (wrk's Lua, the query sampler) puts a fresh key in its place.
FORM_KEY_SLOT = "benchformkeyslot" + "0" * 16


def fresh_form_key() -> str:
    return secrets.token_urlsafe(24)  # as long as FORM_KEY_SLOT: 32 characters


def multipart(csrf: str, filename: str, content: bytes,
              form_key: str = FORM_KEY_SLOT) -> tuple[bytes, str]:
    boundary = "bench" + secrets.token_hex(8)
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
            f'{csrf}\r\n--{boundary}\r\nContent-Disposition: form-data; name="form_key"'
            f"\r\n\r\n{form_key}"
            f"\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    return body + content + f"\r\n--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


def _lua_string(data: bytes) -> str:
    return '"' + "".join(chr(b) if 32 <= b < 127 and chr(b) not in '"\\' else f"\\{b}"
                         for b in data) + '"'


LUA_TEMPLATE = """
local entries = {
%s
}
local requests = {}
local keyed = {}
local position = 0
local counter = 0
local sent = 0
local slot = "%s"
local run = "%s"
local cookie_name = "%s"

function setup(thread)
  counter = counter + 1
  thread:set("offset", counter * 7919)
  thread:set("thread_no", counter)
end

function init(args)
  for _, e in ipairs(entries) do
    local headers = {["Cookie"] = cookie_name .. "=" .. e[3]}
    if e[5] then headers["Content-Type"] = e[5] end
    requests[#requests + 1] = wrk.format(e[1], e[2], headers, e[4])
    -- An upload's body has a slot for its one-time key: each request gets its own.
    local at = e[4] and string.find(e[4], slot, 1, true)
    if at then
      keyed[#requests] = {e[1], e[2], headers, string.sub(e[4], 1, at - 1),
                          string.sub(e[4], at + #slot)}
    end
  end
  position = (offset or 0) %% #requests
end

function request()
  position = position %% #requests + 1
  local k = keyed[position]
  if k then
    sent = sent + 1
    local key = string.format("b%%s%%03d%%020d", run, thread_no or 0, sent)
    return wrk.format(k[1], k[2], k[3], k[4] .. key .. k[5])
  end
  return requests[position]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "status_errors": %%d, ' ..
    '"socket_errors": %%d, "p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "mean_us": %%.1f}\\n',
    summary.requests, summary.duration, summary.bytes, e.status,
    e.connect + e.read + e.write + e.timeout, latency:percentile(50),
    latency:percentile(95), latency:percentile(99), latency.mean))
end
"""


def wrk_script(requests: list[tuple]) -> str:
    lines = []
    for method, path, cookie, body, content_type in requests:
        lines.append("  {%s, %s, %s, %s, %s}," % (  # noqa: UP031 (Lua, not Python)
            _lua_string(method.encode()), _lua_string(path.encode()),
            _lua_string(cookie.encode()), _lua_string(body) if body else "nil",
            _lua_string(content_type.encode()) if content_type else "nil"))
    # A run's own prefix: keys are remembered per person, and runs reuse the same people.
    return LUA_TEMPLATE % ("\n".join(lines), FORM_KEY_SLOT, secrets.token_hex(4), COOKIE_NAME)


def run_wrk(port: int, requests: list[tuple], seconds: float, connections: int,
            threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(wrk_script(requests))
    try:
        output = subprocess.run(  # noqa: S603 (our own arguments)
            ["wrk",  # noqa: S607 (found on PATH, checked in main) f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             "--timeout", "30s", "-s", script.name, f"http://127.0.0.1:{port}"],
            capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(script.name)
    line = next(x for x in output.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_run = raw["duration_us"] / 1e6
    return {"rps": round(raw["requests"] / seconds_run, 1), "requests": raw["requests"],
            "p50_ms": round(raw["p50_us"] / 1000, 1), "p95_ms": round(raw["p95_us"] / 1000, 1),
            "p99_ms": round(raw["p99_us"] / 1000, 1),
            "errors": raw["status_errors"] + raw["socket_errors"],
            "kb_per_response": round(raw["bytes"] / max(raw["requests"], 1) / 1024, 1)}


def page_requests(spec: PageSpec, sessions: list[Session]) -> list[tuple]:
    requests = []
    for session in sessions:
        for path in spec.paths(session):
            if spec.upload:
                body, content_type = multipart(session.csrf, "bench-evidence.pdf", SMALL_UPLOAD)
                requests.append(("POST", path, session.cookie, body, content_type))
            else:
                requests.append(("GET", path, session.cookie, None, None))
    return requests


def sample_queries(port: int, requests: list[tuple], rng: random.Random) -> dict:
    """SQL statements per request (X-Query-Count) over a spread of users."""
    counts, statuses = [], set()
    for method, path, cookie, body, content_type in rng.sample(
            requests, min(QUERY_SAMPLES, len(requests))):
        headers = {"Content-Type": content_type} if content_type else {}
        if body:
            body = body.replace(FORM_KEY_SLOT.encode(), fresh_form_key().encode())
        response, _page, _cookie = _request(port, method, path, cookie, body, headers)
        statuses.add(response.status)
        if response.getheader("X-Query-Count"):
            counts.append(int(response.getheader("X-Query-Count")))
    return {"queries_min": min(counts, default=None), "queries_max": max(counts, default=None),
            "statuses": sorted(statuses)}


# The 100 MB upload and the worker's memory --------------------------------------------------
def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def _status_kb(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def big_upload(port: int, master: int, session: Session, work_dir: Path) -> dict:
    """Stream a 100 MB file to the upload URL; report MB/s and how much the serving
    worker's peak RSS rose above its RSS just before."""
    path = work_dir / "big-upload.pdf"
    if not path.exists():
        with open(path, "wb") as out:
            out.write(b"%PDF-1.4\n")
            block = os.urandom(1024 * 1024)
            for _ in range(BIG_UPLOAD_MB):
                out.write(block)
    size = path.stat().st_size
    head, content_type = multipart(session.csrf, "big-evidence.pdf", b"", fresh_form_key())
    tail_marker = head.rfind(b"\r\n--")
    prefix, suffix = head[:tail_marker], head[tail_marker:]
    pids = worker_pids(master)
    before = {}
    for pid in pids:
        # Reset the high-water mark so VmHWM afterwards is this upload's peak.
        with contextlib.suppress(OSError):
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        before[pid] = _status_kb(pid, "VmRSS")
    peak = dict(before)
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            for pid in pids:
                peak[pid] = max(peak[pid], _status_kb(pid, "VmRSS"))
            time.sleep(0.005)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    connection.putrequest("POST", f"/evidence/{session.data['entry']}/attachments")
    connection.putheader("Cookie", f"{COOKIE_NAME}={session.cookie}")
    connection.putheader("Content-Type", content_type)
    connection.putheader("Content-Length", str(len(prefix) + size + len(suffix)))
    connection.endheaders()
    connection.send(prefix)
    with open(path, "rb") as source:
        while chunk := source.read(1024 * 1024):
            connection.send(chunk)
    connection.send(suffix)
    response = connection.getresponse()
    response.read()
    elapsed = time.monotonic() - started
    stop.set()
    watcher.join()
    served_by = int(response.getheader("X-Worker-Pid") or 0)
    growth = {}
    for pid in pids:
        hwm = _status_kb(pid, "VmHWM")
        growth[pid] = max(peak[pid], hwm) - before[pid]
    worker = served_by if served_by in growth else max(growth, key=growth.get)
    return {"status": response.status, "seconds": round(elapsed, 2),
            "mb_per_s": round(size / 1024 / 1024 / elapsed, 1),
            "rss_before_mb": round(before[worker] / 1024, 1),
            "rss_growth_mb": round(growth[worker] / 1024, 1),
            "queries": response.getheader("X-Query-Count"), "worker_pid": worker}


# The server --------------------------------------------------------------------------------
def server_environment(database_url: str, work_dir: Path) -> dict:
    """The settings the benchmark's portal runs with (production's, on the bench data)."""
    return {
        **os.environ,
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_hex(32),
        "PORTAL_BASE_URL": "https://bench.invalid",
        "RATELIMIT_ENABLED": "false",
        "DATABASE_URL": database_url,
        "PORTAL_INSTANCE_PATH": str(work_dir / "instance"),
        "UPLOAD_DIR": str(work_dir / "uploads"),
        "MAX_UPLOAD_MB": str(BIG_UPLOAD_MB + 10),
        "ATTACHMENT_QUOTA_MB": "1000000",
    }


def start_server(port: int, database_url: str, work_dir: Path) -> subprocess.Popen:
    environment = server_environment(database_url, work_dir)
    gunicorn = shutil.which("gunicorn", path=str(ROOT / ".venv" / "bin")) or "gunicorn"
    server = subprocess.Popen(  # noqa: S603 (our own arguments)
        [gunicorn, "--config", str(ROOT / "gunicorn.conf.py"), "--workers", "2",
         "--bind", f"127.0.0.1:{port}", "--timeout", "120",
         "--log-level", "warning", "bench.wsgi:app"],
        cwd=ROOT, env=environment)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            response, _page, _cookie = _request(port, "GET", "/bench/floor", timeout=5)
            if response.status == 200:
                return server
        except OSError:
            pass
        if server.poll() is not None:
            raise RuntimeError("gunicorn exited; see its output above")
        time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the portal did not start within 30 seconds")


def _gunicorn_threads() -> int:
    """The threads per worker gunicorn.conf.py sets (what production runs)."""
    return int(runpy.run_path(str(ROOT / "gunicorn.conf.py")).get("threads", 1))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--seconds", type=float, default=20, help="per page")
    parser.add_argument("--warmup", type=float, default=3, help="per page, not measured")
    parser.add_argument("--floor-seconds", type=float, default=6,
                        help="the floor measured again after each page")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--users", type=int, default=60, help="per role")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--no-big-upload", action="store_true")
    parser.add_argument("--no-reminders", action="store_true",
                        help="skip the daily reminder run")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "latest.json"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", default="",
                        help="only pages whose names contain one of these comma-separated "
                             "words (the floor is always measured)")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed (Debian: apt-get install wrk)")
    rng = random.Random(args.seed)  # noqa: S311 (choosing users, not secrets)
    sessions, dataset = discover(args.database_url, args.users, rng)
    if not sessions["candidate"]:
        sys.exit("No bench users found: run `python -m bench.seed` first.")
    work_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    with uploads_undone(args.database_url):
        server = start_server(args.port, args.database_url, work_dir)
        try:
            with ThreadPoolExecutor(4) as pool:
                for role, group in sessions.items():
                    sessions[role] = list(pool.map(lambda s: sign_in(args.port, s), group))
            print(f"Signed in {sum(len(g) for g in sessions.values())} bench users "
                  f"({', '.join(f'{len(g)} {r}' for r, g in sessions.items())}).", flush=True)
            results = measure(args, sessions, server.pid, work_dir, rng)
            results["reminders_daily"] = daily_reminders(args, work_dir)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            shutil.rmtree(work_dir, ignore_errors=True)
    results["meta"] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "dataset": dataset,
        "seconds_per_page": args.seconds, "floor_seconds_after_each_page": args.floor_seconds,
        "connections": args.connections,
        "threads": args.threads, "gunicorn_workers": 2,
        "gunicorn_threads_per_worker": _gunicorn_threads(), "users_per_role": args.users,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
    }
    report.judge(results)
    print(report.format_table(results))
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=2, default=str))
    print(f"Saved {args.out}")
    return 0


def daily_reminders(args, work_dir: Path) -> dict:
    """One daily reminder run over the same data, in a process of its own (rolled back)."""
    if args.no_reminders:
        return {"skipped": "--no-reminders"}
    print("  daily reminders ...", flush=True)
    return bench_reminders.measure_in_subprocess(
        server_environment(args.database_url, work_dir))


def chosen_pages(wanted: str) -> list[PageSpec]:
    """Every page, or those whose names contain one of the comma-separated words."""
    words = [word.strip().lower() for word in wanted.split(",") if word.strip()]
    if not words:
        return PAGES
    return [spec for spec in PAGES if any(word in spec.name.lower() for word in words)]


def measure(args, sessions, master: int, work_dir: Path, rng: random.Random) -> dict:
    def timed(name, requests):
        if args.warmup:
            run_wrk(args.port, requests, args.warmup, args.connections, args.threads)
        print(f"  {name} ...", flush=True)
        return run_wrk(args.port, requests, args.seconds, args.connections, args.threads)

    floor_requests = [("GET", "/bench/floor", "", None, None)]

    def floor_slice():
        """The floor again, right after a page: each page is compared with the floor
        measured on either side of it, so a machine that speeds up or slows down during
        the run (by 15% between its start and end, seen here) moves both alike."""
        return run_wrk(args.port, floor_requests, args.floor_seconds, args.connections,
                       args.threads)

    slices = [timed("floor", floor_requests)]
    pages = []
    for spec in chosen_pages(args.pages):
        row = {"page": spec.name, "role": spec.role}
        group = sessions.get(spec.role, [])
        if spec.skip:
            row["skipped"] = spec.skip
        elif not group:
            row["skipped"] = f"no signed-in {spec.role} users"
        elif spec.requires and _request(args.port, "GET", spec.requires,
                                        group[0].cookie)[0].status == 404:
            row["skipped"] = f"{spec.requires} answers 404 (not built yet)"
        if row.get("skipped"):
            pages.append(row)
            continue
        requests = page_requests(spec, group)
        row.update(users=len(group), example=requests[0][1])
        row.update(timed(spec.name, requests))
        slices.append(floor_slice())
        row["floor"] = report.combined([slices[-2], slices[-1]])
        # Counted after the warm-up, so once-per-worker loading is not charged to the page.
        row.update(sample_queries(args.port, requests, rng))
        pages.append(row)
    floor = {"page": "floor (1 query, 50 rows)", "slices": slices, **report.combined(slices)}
    floor.update(sample_queries(args.port, floor_requests, rng))
    results = {"floor": floor, "pages": pages}
    if args.no_big_upload:
        results["upload_100mb"] = {"skipped": "--no-big-upload"}
    else:
        print(f"  {BIG_UPLOAD_MB} MB upload ...", flush=True)
        results["upload_100mb"] = big_upload(args.port, master, sessions["candidate"][0],
                                             work_dir)
    return results


if __name__ == "__main__":
    sys.exit(main())
