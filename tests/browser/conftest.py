"""Browser tests: a real Chromium (Debian's, through Playwright) against a live server.

The live server serves the session `app` from a thread, on the same database as the
tests, so anything a test commits (for example the demo council) is what the browser
sees; the suite-wide `_clean_database` fixture empties the tables after each test.

Chromium is Debian's package (`playwright install` cannot download here). Without it the
browser tests are skipped, unless REQUIRE_BROWSER_TESTS=1 (CI), when they fail instead.
"""

import functools
import os
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from portal.core.db import db
from portal.demo.seed import seed_demo

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_DIR = Path(__file__).resolve().parent


def _browser_required() -> bool:
    return os.environ.get("REQUIRE_BROWSER_TESTS", "").strip() == "1"


def _chromium_missing_reason() -> str | None:
    if os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK):
        return None
    return f"Chromium not found at {CHROMIUM}; install Debian's chromium package"


def _is_browser_test(item) -> bool:
    return BROWSER_DIR in Path(str(item.path)).resolve().parents


def pytest_collection_modifyitems(config, items):
    reason = _chromium_missing_reason()
    for item in items:
        if not _is_browser_test(item):
            continue
        item.add_marker(pytest.mark.browser)
        if reason and not _browser_required():
            item.add_marker(pytest.mark.skip(reason=reason))


# --- Browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    reason = _chromium_missing_reason()
    if reason:
        # Only reached when REQUIRE_BROWSER_TESTS=1 (otherwise the tests were skipped).
        pytest.fail(f"REQUIRE_BROWSER_TESTS=1 but {reason}", pytrace=False)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


# --- Live server --------------------------------------------------------------------


@pytest.fixture(scope="session")
def live_server(app):
    """Serve the session app on 127.0.0.1 and a free port; yields the base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright gives every context this base URL, so page.goto("/home") works."""
    return live_server


@pytest.fixture
def seeded_demo(app):
    """The demo council, committed so the live server sees it."""
    with app.app_context():
        created = seed_demo()
        db.session.commit()
    return created


# --- Console errors and failed requests ---------------------------------------------


class PageProblems:
    """Console errors, page errors and failed same-origin requests seen by one page.

    A POST that answers 400 with the page re-rendered (a form with errors) is expected;
    every other same-origin response of 400 or more is a problem, as is any failed
    request or any console error (which includes CSP violations).
    """

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []
        self._expected_error_urls: set[str] = set()

    def _same_origin(self, url: str) -> bool:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}" == self.origin

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        text = message.text
        url = (message.location or {}).get("url", "")
        if text.startswith("Failed to load resource") and url in self._expected_error_urls:
            return
        self.problems.append(f"console error: {text} ({url})")

    def on_page_error(self, error) -> None:
        self.problems.append(f"page error: {error}")

    def on_request_failed(self, request) -> None:
        # ERR_ABORTED is the browser cancelling a request because a newer navigation
        # started (a test moving on before a redirect finished loading); it is never a
        # server fault, and server errors are caught as responses of 400 and over.
        failure = request.failure or ""
        if "ERR_ABORTED" in failure:
            return
        self.problems.append(f"request failed: {request.method} {request.url} ({failure})")

    def on_response(self, response) -> None:
        if response.status < 400 or not self._same_origin(response.url):
            return
        request = response.request
        if (
            response.status == 400
            and request.method == "POST"
            and request.resource_type in {"document", "xhr", "fetch"}
        ):
            self._expected_error_urls.add(response.url)
            return
        self.problems.append(
            f"HTTP {response.status}: {request.method} {response.url} ({request.resource_type})"
        )

    def attach(self, page) -> None:
        page.on("console", self.on_console)
        page.on("pageerror", self.on_page_error)
        page.on("requestfailed", self.on_request_failed)
        page.on("response", self.on_response)

    def check(self) -> None:
        problems, self.problems = self.problems, []
        assert not problems, "The browser reported problems:\n  " + "\n  ".join(problems)


@pytest.fixture
def page(page, live_server):
    """pytest-playwright's page, watched for console errors and failed requests."""
    problems = PageProblems(live_server)
    problems.attach(page)
    page.portal_problems = problems
    page.set_default_timeout(10_000)
    yield page
    problems.check()


def assert_no_browser_problems(page) -> None:
    problems = getattr(page, "portal_problems", None)
    if problems is not None:
        problems.check()


# --- Accessibility ------------------------------------------------------------------


@functools.cache
def _axe_source() -> str:
    if not AXE_SCRIPT.is_file():
        pytest.fail(f"axe-core not found at {AXE_SCRIPT}; run `npm ci`", pytrace=False)
    return AXE_SCRIPT.read_text(encoding="utf-8") + "\n;true"


def assert_no_axe_violations(page) -> None:
    """Run axe-core (WCAG 2.0 to 2.2, levels A and AA) on the page; fail listing what it finds.

    Also fails on any console error or failed request seen so far on this page.
    """
    page.wait_for_load_state("load")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # page.add_script_tag() would add an inline <script>, which the portal's CSP
        # (script-src 'self' 'nonce-...') rightly blocks. Evaluating the source through the
        # DevTools protocol is not subject to the page's CSP, and unlike a context made with
        # bypass_csp=True it leaves CSP enforced, so real violations still fail the test.
        page.evaluate(_axe_source())
    results = page.evaluate(
        """async (tags) => {
            const results = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return results.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                targets: v.nodes.map((n) => n.target.join(" ")),
            }));
        }""",
        AXE_TAGS,
    )
    lines = [
        f"{v['id']} ({v['impact']}): {v['help']}\n      " + "\n      ".join(v["targets"])
        for v in results
    ]
    assert not results, f"axe found violations on {page.url}:\n  " + "\n  ".join(lines)
    assert_no_browser_problems(page)
