"""The soak's people: one thread each, with their own cookie, doing what a candidate does
on a working day, and a tally of what every request got back."""

import random
import re
import statistics
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

import requests

from bench.run import COOKIE_NAME, SMALL_UPLOAD, fresh_form_key

CSRF_IN_FORM = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
SAVED_ENTRY = re.compile(r"^/evidence/(\d+)$")
# Seconds a person pauses between steps: reading a page, typing a little.
THINK_SECONDS = (0.2, 1.0)


@dataclass(frozen=True)
class Person:
    email: str
    password: str
    portfolio: int
    entry: int


@dataclass
class Tally:
    """What the soak saw, shared by every person's thread."""
    statuses: Counter = field(default_factory=Counter)
    latencies: dict = field(default_factory=dict)  # kind of step -> seconds
    problems: list = field(default_factory=list)
    saved_entries: dict = field(default_factory=dict)  # title -> the id the portal gave
    saved_files: set = field(default_factory=set)  # (entry id, file name)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answered(self, kind: str, status: int, seconds: float) -> None:
        with self.lock:
            self.statuses[status] += 1
            self.latencies.setdefault(kind, []).append(seconds)

    def problem(self, text: str) -> None:
        with self.lock:
            self.problems.append(text)

    def as_dict(self) -> dict:
        steps = {}
        for kind, seconds in sorted(self.latencies.items()):
            ordered = sorted(seconds)
            steps[kind] = {"count": len(ordered),
                           "p50_ms": round(statistics.median(ordered) * 1000, 1),
                           "p95_ms": round(ordered[int(len(ordered) * 0.95)] * 1000, 1)}
        return {"requests": sum(self.statuses.values()),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "steps": steps, "entries_saved": len(self.saved_entries),
                "files_saved": len(self.saved_files), "problems_seen": len(self.problems)}


class Browser:
    """One person's browser: the session cookie is `Secure`, so it is carried by hand over
    the soak's plain http, as a proxy in front of the portal would receive it."""

    def __init__(self, port: int, tally: Tally):
        self.base = f"http://127.0.0.1:{port}"
        self.http = requests.Session()
        self.cookie = ""
        self.csrf = ""
        self.tally = tally

    def send(self, kind: str, method: str, path: str, expect: tuple, **kwargs):
        """The response, or None after noting a problem (a connection error, a 5xx, or an
        answer that the step never gets when all is well)."""
        headers = {"Cookie": f"{COOKIE_NAME}={self.cookie}"} if self.cookie else {}
        started = time.monotonic()
        try:
            response = self.http.request(method, self.base + path, headers=headers,
                                         allow_redirects=False, timeout=60, **kwargs)
        except requests.RequestException as error:
            self.tally.problem(f"{kind}: connection error ({type(error).__name__})")
            return None
        self.tally.answered(kind, response.status_code, time.monotonic() - started)
        self.cookie = response.cookies.get(COOKIE_NAME, self.cookie)
        if response.status_code not in expect:
            self.tally.problem(f"{kind}: {method} answered {response.status_code}")
            return None
        return response

    def pick_csrf(self, response) -> bool:
        match = CSRF_IN_FORM.search(response.text)
        if match:
            self.csrf = match.group(1) or match.group(2)
        return bool(match)


class Day:
    """One person's steps."""

    def __init__(self, person: Person, browser: Browser, run: str, number: int):
        self.person, self.browser, self.run, self.number = person, browser, run, number
        self.entry = person.entry
        self.count = 0

    def sign_in(self) -> bool:
        self.browser.cookie = ""
        form_page = self.browser.send("sign in", "GET", "/sign-in", (200,))
        if form_page is None or not self.browser.pick_csrf(form_page):
            return False
        signed_in = self.browser.send(
            "sign in", "POST", "/sign-in", (302, 303),
            data={"email": self.person.email, "password": self.person.password,
                  "csrf_token": self.browser.csrf})
        home = signed_in is not None and self.browser.send("home", "GET", "/home", (200,))
        return bool(home) and self.browser.pick_csrf(home)

    def sign_out_and_in(self) -> bool:
        self.browser.send("sign out", "POST", "/sign-out", (302, 303),
                          data={"csrf_token": self.browser.csrf})
        return self.sign_in()

    def read(self, rng: random.Random) -> None:
        kind, path = rng.choice([
            ("home", "/home"), ("evidence list", "/evidence/"),
            ("evidence list", "/evidence/?q=visit"),
            ("portfolio", f"/portfolios/{self.person.portfolio}"),
            ("sufficiency", f"/portfolios/{self.person.portfolio}/sufficiency"),
            ("entry", f"/evidence/{self.entry}")])
        self.browser.send(kind, "GET", path, (200,))

    def save_entry(self) -> None:
        self.count += 1
        title = f"Soak {self.run} person {self.number} entry {self.count}"
        today = date.today()
        response = self.browser.send("save entry", "POST", "/evidence/new", (303,), data={
            "csrf_token": self.browser.csrf, "form_key": fresh_form_key(), "title": title,
            "occurred_on": [str(today.day), str(today.month), str(today.year)],
            "evidence_type": "critical_reflection", "anonymised_confirmed": "y",
            "reflection": "A supervision discussion about a home visit. " * 20})
        saved = response is not None and SAVED_ENTRY.match(response.headers["Location"])
        if saved:
            self.entry = int(saved.group(1))
            with self.browser.tally.lock:
                self.browser.tally.saved_entries[title] = self.entry
        elif response is not None:
            self.browser.tally.problem(f"save entry: went to {response.headers['Location']}")

    def upload(self) -> None:
        self.count += 1
        name = f"soak-{self.run}-{self.number}-{self.count}.pdf"
        response = self.browser.send(
            "upload", "POST", f"/evidence/{self.entry}/attachments", (302, 303),
            data={"csrf_token": self.browser.csrf, "form_key": fresh_form_key()},
            files={"files": (name, SMALL_UPLOAD, "application/pdf")})
        if response is not None:
            with self.browser.tally.lock:
                self.browser.tally.saved_files.add((self.entry, name))

    def live(self, until: float, rng: random.Random) -> None:
        if not self.sign_in():
            return
        while time.monotonic() < until:
            step = rng.random()
            if step < 0.05:
                if not self.sign_out_and_in():
                    return
            elif step < 0.60:
                self.read(rng)
            elif step < 0.85:
                self.save_entry()
            else:
                self.upload()
            time.sleep(rng.uniform(*THINK_SECONDS))


def simulate(port: int, people: list[Person], seconds: float, run: str,
             rng: random.Random) -> Tally:
    """Everyone's day at once for `seconds`; the tally of what they got."""
    tally = Tally()
    until = time.monotonic() + seconds
    threads = []
    for number, person in enumerate(people, start=1):
        day = Day(person, Browser(port, tally), run, number)
        own_rng = random.Random(rng.random())  # noqa: S311 (choosing steps, not secrets)
        threads.append(threading.Thread(target=day.live, args=(until, own_rng), daemon=True))
    for thread in threads:
        thread.start()
        time.sleep(0.02)  # people arrive over a second, not in one instant
    for thread in threads:
        thread.join(timeout=seconds + 120)
    return tally
