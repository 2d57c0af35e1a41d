"""Checking a programme as a whole before it is saved or published.

A programme is checked in one shape whether it comes from a shipped template file (YAML) or
from the rows a lead built on the pages: a plain dict (see `spec.programme_spec`). Every
problem is reported with its place (`review_points[2].due_month`) and reason, so a file is
fixed in one go; nothing is written while any problem remains.
"""

from collections import Counter
from dataclasses import dataclass
from typing import Any

from portal.evidence.models import EvidenceType
from portal.frameworks.loader import find_framework
from portal.programmes.models import Outcome, ProgrammeKind, RecordKind

MAX_MONTHS = 60
MAX_MIN_COUNT = 100


@dataclass(frozen=True)
class Problem:
    place: str
    reason: str

    def __str__(self) -> str:
        return f"{self.place}: {self.reason}"


class ProgrammeInvalid(ValueError):
    """A programme that cannot be saved, with every problem found."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Checker:
    def __init__(self):
        self.problems: list[Problem] = []

    def add(self, place: str, reason: str) -> None:
        self.problems.append(Problem(place, reason))

    def text(self, mapping: dict, key: str, place: str) -> str | None:
        value = mapping.get(key)
        if not isinstance(value, str) or not value.strip():
            self.add(f"{place}.{key}", "is missing")
            return None
        return value

    def number(self, mapping: dict, key: str, place: str) -> int | None:
        value = mapping.get(key)
        if not _is_int(value):
            self.add(f"{place}.{key}", "must be a whole number")
            return None
        return value

    def month(self, mapping: dict, key: str, place: str, duration: int | None) -> None:
        """A month from 0 to the programme's length."""
        month = self.number(mapping, key, place)
        if month is not None and month < 0:
            self.add(f"{place}.{key}", "must be 0 or more")
        elif month is not None and duration is not None and month > duration:
            self.add(f"{place}.{key}",
                     f"month {month} is beyond the programme's length ({duration} months)")

    def coded_rows(self, data: dict, key: str, title: str = "title",
                   required: bool = True) -> list[tuple[str, dict]]:
        """The part's rows with their places, each with a code and a title, codes unique."""
        rows = self.rows(data, key, required)
        self.unique_codes(rows, key)
        placed = [(f"{key}[{i}]", row) for i, row in enumerate(rows)]
        for place, row in placed:
            self.text(row, "code", place)
            self.text(row, title, place)
        return placed

    def rows(self, data: dict, key: str, required: bool = True) -> list[dict]:
        value = data.get(key)
        if value is None and not required:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.add(key, "must be a list of entries")
            return []
        return value

    def unique_codes(self, rows: list[dict], key: str, field: str = "code") -> None:
        counts = Counter(row.get(field) for row in rows)
        for i, row in enumerate(rows):
            if row.get(field) is not None and counts[row.get(field)] > 1:
                self.add(f"{key}[{i}].{field}", f"duplicate code '{row.get(field)}'")


def problems(data: Any) -> list[Problem]:
    """Every problem with a programme in template shape; empty when it can be saved."""
    check = _Checker()
    if not isinstance(data, dict):
        return [Problem("programme", "must be a mapping of settings")]
    for key in ("code", "name"):
        check.text(data, key, "programme")
    if data.get("kind") not in {k.value for k in ProgrammeKind}:
        check.add("programme.kind", f"unknown kind '{data.get('kind')}'")
    duration = check.number(data, "duration_months", "programme")
    if duration is not None and not 1 <= duration <= MAX_MONTHS:
        check.add("programme.duration_months", f"must be between 1 and {MAX_MONTHS} months")
        duration = None
    stage_codes = _check_stages(check, data, duration)
    _check_review_points(check, data, duration)
    _check_components(check, data, stage_codes)
    _check_decision_codes(check, data)
    _check_frameworks(check, data)
    return check.problems


def check(data: Any) -> None:
    """Raise ProgrammeInvalid with every problem, if there is any."""
    found = problems(data)
    if found:
        raise ProgrammeInvalid(found)


def _check_stages(check: _Checker, data: dict, duration: int | None) -> set[str]:
    stages = check.coded_rows(data, "stages")
    for place, stage in stages:
        check.month(stage, "start_month", place, duration)
        check.month(stage, "end_month", place, duration)
        start, end = stage.get("start_month"), stage.get("end_month")
        if _is_int(start) and _is_int(end) and start >= end:
            check.add(f"{place}.end_month", "must come after the start month")
    return {s.get("code") for _, s in stages if isinstance(s.get("code"), str)}


def _check_review_points(check: _Checker, data: dict, duration: int | None) -> None:
    points = check.coded_rows(data, "review_points")
    for place, point in points:
        check.month(point, "due_month", place, duration)
    if sum(1 for _, p in points if p.get("final")) > 1:
        check.add("review_points", "only one review point can be the final one")


def _check_components(check: _Checker, data: dict, stage_codes: set[str]) -> None:
    for place, component in check.coded_rows(data, "components"):
        count = check.number(component, "min_count", place)
        if count is not None and count < 0:
            check.add(f"{place}.min_count", f"the minimum cannot be negative ({count})")
        elif count is not None and count > MAX_MIN_COUNT:
            check.add(f"{place}.min_count", f"the minimum cannot be more than {MAX_MIN_COUNT}")
        evidence, record = component.get("evidence"), component.get("record")
        if bool(evidence) == bool(record):
            check.add(place, "give exactly one of an evidence type or a record kind")
        elif evidence and evidence not in {t.value for t in EvidenceType}:
            check.add(f"{place}.evidence", f"unknown evidence type '{evidence}'")
        elif record and record not in {k.value for k in RecordKind}:
            check.add(f"{place}.record", f"unknown record kind '{record}'")
        per_stage = component.get("per_stage")
        if per_stage is not None:
            if not isinstance(per_stage, list):
                check.add(f"{place}.per_stage", "must be a list of stage codes")
            elif set(per_stage) - stage_codes:
                check.add(f"{place}.per_stage",
                          f"unknown stage {sorted(map(str, set(per_stage) - stage_codes))}")


def _check_decision_codes(check: _Checker, data: dict) -> None:
    for place, code in check.coded_rows(data, "decision_codes", "label", required=False):
        if code.get("outcome") not in {o.value for o in Outcome}:
            check.add(f"{place}.outcome", f"unknown outcome '{code.get('outcome')}'")


def _check_frameworks(check: _Checker, data: dict) -> None:
    refs = check.rows(data, "frameworks", required=False)
    seen = Counter((str(r.get("code")), str(r.get("version"))) for r in refs)
    for i, ref in enumerate(refs):
        key = (str(ref.get("code")), str(ref.get("version")))
        framework = find_framework(*key)
        if framework is None:
            check.add(f"frameworks[{i}]", f"unknown framework {key[0]} {key[1]}")
        elif framework.status != "active":
            check.add(f"frameworks[{i}]",
                      f"{key[0]} {key[1]} is not active (it is {framework.status})")
        if seen[key] > 1:
            check.add(f"frameworks[{i}]", f"{key[0]} {key[1]} is listed twice")
