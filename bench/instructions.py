"""Instructions per request for each key page: a repeatable measure on a noisy machine.

`make bench` reports throughput, which moves by ±20% from run to run on a shared virtual
machine. This counts the CPU instructions the portal's own process spends per request
(under valgrind's callgrind), which is the same on every run of the same code and data, so
a change can be judged in one run. It leaves out PostgreSQL's own work; the SQL count per
request (in `make bench`) covers that side.

    .venv/bin/python -m bench.instructions --database-url postgresql://.../portal_bench

Needs valgrind (Debian package `valgrind`) and a database filled by `bench-seed`. Pages
are fetched in-process with Flask's test client, as one bench user of each role; the
upload is left out (it would add files to the data set).
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


def measure_in_this_process(database_url: str, requests: int, pages: str) -> None:
    """The part that runs under callgrind: warm every page, then mark and fetch each."""
    from bench.run import BENCH_PASSWORD, chosen_pages, discover
    from bench.wsgi import app

    sessions, _dataset = discover(database_url, 1, random.Random(1))  # noqa: S311
    jobs = [("floor (1 query, 50 rows)", app.test_client(), "/bench/floor")]
    for spec in chosen_pages(pages):
        if spec.upload or not sessions.get(spec.role):
            continue
        session = sessions[spec.role][0]
        jobs.append((spec.name, _signed_in_client(app, session.email, BENCH_PASSWORD),
                     spec.paths(session)[0]))
    for _name, client, path in jobs:  # caches filled, statements prepared
        for _ in range(3):
            client.get(path, base_url="https://localhost")
    print("PAGES " + json.dumps([name for name, _client, _path in jobs]), flush=True)
    for _name, client, path in jobs:
        os.getppid()
        for _ in range(requests):
            response = client.get(path, base_url="https://localhost")
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
    os.getppid()


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--requests", type=int, default=8, help="per page, after warming")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "instructions.json"))
    parser.add_argument("--pages", default="",
                        help="only pages whose names contain one of these comma-separated "
                             "words (the floor is always measured)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    if args.child:
        measure_in_this_process(args.database_url, args.requests, args.pages)
        return 0
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (Debian: apt-get install valgrind)")
    work = Path(tempfile.mkdtemp(prefix="portal-instructions-"))
    out_file = work / "callgrind.out"
    environment = {**os.environ, "PORTAL_ENV": "production", "SECRET_KEY": "i" * 64,
                   "PORTAL_BASE_URL": "https://bench.invalid", "RATELIMIT_ENABLED": "false",
                   "DATABASE_URL": args.database_url,
                   "PORTAL_INSTANCE_PATH": str(work / "instance")}
    print(f"Counting instructions under callgrind ({args.requests} requests a page; "
          "a few minutes)...", flush=True)
    try:
        child = subprocess.run(  # noqa: S603 (our own arguments)
            ["valgrind", "--tool=callgrind", f"--dump-before={MARKER}",  # noqa: S607
             f"--callgrind-out-file={out_file}", sys.executable, "-m", "bench.instructions",
             "--child", "--database-url", args.database_url, "--requests",
             str(args.requests), "--pages", args.pages],
            cwd=ROOT, env=environment, capture_output=True, text=True, check=True)
        pages = json.loads(next(line for line in child.stdout.splitlines()
                                if line.startswith("PAGES "))[len("PAGES "):])
        # Dump 1 is start-up and warming; dumps 2.. are one page each, in order.
        per_page = [total / args.requests for total in _totals(out_file)[1:1 + len(pages)]]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    floor = per_page[0]
    rows = [{"page": name, "instructions_per_request": round(count),
             "x_floor": round(floor / count, 2)} for name, count in zip(pages, per_page,
                                                                        strict=True)]
    print(f"{'Page':<26}  {'M instr/req':>11}  {'x floor':>7}")
    for row in rows:
        print(f"{row['page']:<26}  {row['instructions_per_request'] / 1e6:>11.2f}  "
              f"{row['x_floor']:>7.2f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"requests_per_page": args.requests, "pages": rows},
                                         indent=2))
    print(f"Saved {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
