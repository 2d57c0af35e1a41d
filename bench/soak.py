"""A bounded soak (`make soak`): many people use the portal at once for a fixed time, as a
busy morning would, against 127.0.0.1. Each signs in, reads their home, evidence list,
portfolio and sufficiency pages, saves new evidence entries and uploads files, and now and
then signs out and in again. Afterwards every save the portal acknowledged (a redirect to
what was saved) is looked for in the database.

    .venv/bin/python -m bench.soak --database-url postgresql://postgres@127.0.0.1/portal_soak

It fails (exit 1) on any 5xx answer, any connection error, a save refused for no reason
the person could fix, or an acknowledged save missing afterwards, and writes its result
to bench/results/soak-latest.json. The bench seeder's candidates are the people.
"""

import argparse
import json
import os
import platform
import random
import shutil
import signal
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench.run import BENCH_PASSWORD, ROOT, discover, start_server
from bench.soak_checks import failures, missing_saves
from bench.soak_people import Person, Tally, simulate

RESULT = ROOT / "bench" / "results" / "soak-latest.json"


def people_from_bench(database_url: str, count: int, rng: random.Random) -> list[Person]:
    """The bench seeder's candidates, each with their portfolio and an entry of theirs."""
    sessions, _dataset = discover(database_url, count, rng)
    return [Person(s.email, BENCH_PASSWORD, s.data["portfolio"], s.data["entry"])
            for s in sessions["candidate"]]


def summary(tally: Tally, missing: dict, seconds: float, users: int) -> dict:
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "users": users, "seconds": seconds,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        **tally.as_dict(),
        "missing_entries": len(missing["entries"]), "missing_files": len(missing["files"]),
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=600)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=str(RESULT))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("give --database-url or set DATABASE_URL")
    rng = random.Random(args.seed)  # noqa: S311 (choosing people and actions, not secrets)
    people = people_from_bench(args.database_url, args.users, rng)
    if len(people) < args.users:
        sys.exit(f"The seeded database has {len(people)} candidates with entries; "
                 f"the soak wants {args.users}.")
    run = datetime.now(UTC).strftime("%Y%m%d%H%M%S")
    work_dir = Path(tempfile.mkdtemp(prefix="portal-soak-"))
    server = start_server(args.port, args.database_url, work_dir)
    try:
        print(f"Soak {run}: {len(people)} people for {args.seconds:g} s on port {args.port}",
              flush=True)
        tally = simulate(args.port, people, args.seconds, run, rng)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()  # never leave a server behind
            server.wait()
    missing = missing_saves(args.database_url, tally, work_dir / "uploads")
    result = summary(tally, missing, args.seconds, len(people))
    problems = failures(tally, missing)
    result["verdict"] = "failed" if problems else "passed"
    result["problems"] = problems[:50]
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "problems"}, indent=2))
    for problem in problems[:50]:
        print(f"  FAILED: {problem}")
    print(f"Saved {args.out}")
    if problems:
        print(f"The server's files are kept in {work_dir} for a look.")
        return 1
    shutil.rmtree(work_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
