"""Turning measurements into the results table and the target verdicts (no I/O here, so
the suite can test it)."""

# The targets, relative to the floor page measured in the same run.
MIN_THROUGHPUT_RATIO = 0.35  # issue 17: at least 0.35 x the floor at 8 connections
MAX_P95_RATIO = 3.0
MAX_QUERIES = 10
MAX_UPLOAD_GROWTH_MB = 16.0
# Issue 19: one daily reminder run over 20,000 candidates in under a minute, in batches: a
# fixed number of statements (each rule's query, the opt-outs...) plus a few per batch of
# BATCH reminders, never one per person.
MAX_REMINDER_SECONDS = 60.0
REMINDER_FIXED_STATEMENTS = 40
REMINDER_STATEMENTS_PER_BATCH = 8
REMINDER_BATCH = 1000  # portal.reminders.operations.BATCH (not imported: no app needed here)

COLUMNS = [("page", "Page", "<"), ("rps", "req/s", ">"), ("p50_ms", "p50 ms", ">"),
           ("p95_ms", "p95 ms", ">"), ("ratio", "x floor", ">"), ("p95_ratio", "p95 x floor", ">"),
           ("queries", "SQL/req", ">"), ("verdict", "Targets", "<")]


def page_verdict(page: dict, floor: dict) -> tuple[str, list[str]]:
    """('met' | 'missed' | 'skipped', reasons) for one key page against the floor."""
    if page.get("skipped"):
        return "skipped", [page["skipped"]]
    misses = []
    floor = page.get("floor") or floor  # the floor measured on either side of this page
    ratio = page["rps"] / floor["rps"] if floor["rps"] else 0.0
    p95_ratio = page["p95_ms"] / floor["p95_ms"] if floor["p95_ms"] else float("inf")
    page["ratio"], page["p95_ratio"] = round(ratio, 2), round(p95_ratio, 2)
    if ratio < MIN_THROUGHPUT_RATIO:
        misses.append(f"throughput {ratio:.2f}x floor (target ≥ {MIN_THROUGHPUT_RATIO})")
    if p95_ratio > MAX_P95_RATIO:
        misses.append(f"p95 {p95_ratio:.2f}x floor (target ≤ {MAX_P95_RATIO})")
    most = page.get("queries_max")
    if most is not None and most > MAX_QUERIES:
        misses.append(f"{most} SQL queries (target ≤ {MAX_QUERIES})")
    if page.get("errors"):
        misses.append(f"{page['errors']} failed requests")
    return ("missed" if misses else "met"), misses


def combined(runs: list[dict]) -> dict:
    """Several runs of the floor as one: requests over time for throughput, and the
    runs' mean percentiles (wrk reports percentiles per run, not the raw latencies)."""
    seconds = sum(run["requests"] / run["rps"] for run in runs if run["rps"])
    requests = sum(run["requests"] for run in runs)
    return {"rps": round(requests / seconds, 1) if seconds else 0.0, "requests": requests,
            **{key: round(sum(run[key] for run in runs) / len(runs), 1)
               for key in ("p50_ms", "p95_ms")}}


def upload_verdict(upload: dict) -> tuple[str, list[str]]:
    if upload.get("skipped"):
        return "skipped", [upload["skipped"]]
    growth = upload["rss_growth_mb"]
    if growth >= MAX_UPLOAD_GROWTH_MB:
        return "missed", [f"memory grew {growth:.1f} MB (target < {MAX_UPLOAD_GROWTH_MB})"]
    if upload.get("status") not in (200, 204, 302, 303):
        return "missed", [f"upload answered {upload.get('status')}"]
    return "met", []


def reminder_statement_limit(reminders: int) -> int:
    batches = -(-max(reminders, 1) // REMINDER_BATCH)
    return REMINDER_FIXED_STATEMENTS + REMINDER_STATEMENTS_PER_BATCH * batches


def reminders_verdict(run: dict) -> tuple[str, list[str]]:
    if run.get("skipped"):
        return "skipped", [run["skipped"]]
    misses = []
    if run["seconds"] >= MAX_REMINDER_SECONDS:
        misses.append(f"took {run['seconds']:.1f} s (target < {MAX_REMINDER_SECONDS:.0f} s)")
    limit = reminder_statement_limit(run["reminders"])
    if run["statements"] > limit:
        misses.append(f"{run['statements']} SQL statements (target ≤ {limit} for "
                      f"{run['reminders']} reminders: batches, not one per person)")
    return ("missed" if misses else "met"), misses


def _cell(page: dict, key: str) -> str:
    value = page.get(key)
    if key == "queries":
        low, high = page.get("queries_min"), page.get("queries_max")
        if low is None:
            return "–"
        return str(high) if low == high else f"{low}–{high}"
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if key in {"ratio", "p95_ratio"} else f"{value:.1f}"
    return str(value)


def format_table(results: dict) -> str:
    """A plain-text table of every page, the floor first, then the upload line."""
    rows = [results["floor"], *results["pages"]]
    cells = [[_cell(row, key) for key, _title, _align in COLUMNS] for row in rows]
    headings = [title for _key, title, _align in COLUMNS]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headings)]

    def line(values):
        return "  ".join(f"{v:{align}{w}}" for v, w, (_k, _t, align)
                         in zip(values, widths, COLUMNS, strict=True)).rstrip()

    out = [line(headings), line(["-" * w for w in widths]), *(line(c) for c in cells)]
    upload = results.get("upload_100mb")
    if upload:
        if upload.get("skipped"):
            out.append(f"100 MB upload: skipped ({upload['skipped']})")
        else:
            out.append(f"100 MB upload: {upload['mb_per_s']:.1f} MB/s, server memory grew "
                       f"{upload['rss_growth_mb']:.1f} MB (peak RSS of the worker that "
                       f"served it), {upload.get('queries', '–')} SQL queries "
                       f"-> {upload['verdict']}")
    run = results.get("reminders_daily")
    if run:
        if run.get("skipped"):
            out.append(f"Daily reminders: skipped ({run['skipped']})")
        else:
            out.append(f"Daily reminders: {run['seconds']:.1f} s, {run['statements']} SQL "
                       f"statements, {run['reminders']} reminders for {run['candidates']} "
                       f"candidates -> {run.get('verdict', '–')}")
            if run.get("verdict") == "missed":
                out.append("  daily reminders: " + "; ".join(run["reasons"]))
    for row in rows[1:]:
        if row.get("reasons") and row.get("verdict") != "met":
            out.append(f"  {row['page']}: " + "; ".join(row["reasons"]))
    return "\n".join(out)


def judge(results: dict) -> dict:
    """Fill in each page's ratios and verdict; returns a summary of the targets."""
    floor = results["floor"]
    floor["verdict"] = "floor"
    summary = {"met": [], "missed": [], "skipped": []}
    for page in results["pages"]:
        page["verdict"], page["reasons"] = page_verdict(page, floor)
        summary[page["verdict"]].append(page["page"])
    upload = results.get("upload_100mb")
    if upload:
        upload["verdict"], upload["reasons"] = upload_verdict(upload)
        summary[upload["verdict"]].append("upload_100mb")
    run = results.get("reminders_daily")
    if run:
        run["verdict"], run["reasons"] = reminders_verdict(run)
        summary[run["verdict"]].append("reminders_daily")
    results["targets"] = summary
    return summary
