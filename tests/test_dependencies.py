"""pyproject.toml says which versions the portal accepts; requirements/lock.txt (written by
`make lock`) is what `make install` installs, hash-checked. The two must agree: every
dependency pyproject names, runtime and dev, is pinned in the lock at a version its
specifier allows, and every pin carries a hash."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def locked_pins(lock_text: str) -> dict[str, tuple[str, int]]:
    """{canonical name: (version, number of hashes)} from a pip-compile lock file."""
    pins: dict[str, tuple[str, int]] = {}
    name = None
    for line in lock_text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            match = PIN.match(line)
            assert match, f"not an exact pin: {line!r}"
            name = canonicalize_name(match["name"])
            assert name not in pins, f"{name} is pinned twice"
            pins[name] = (match["version"], 0)
        elif line.strip().startswith("--hash=sha256:") and name is not None:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def declared_requirements(pyproject_text: str) -> list[Requirement]:
    """The runtime dependencies and the dev extra of a pyproject.toml."""
    project = tomllib.loads(pyproject_text)["project"]
    declared = project["dependencies"] + project["optional-dependencies"]["dev"]
    return [Requirement(text) for text in declared]


def disagreements(pyproject_text: str, lock_text: str) -> list[str]:
    pins = locked_pins(lock_text)
    problems = [f"{name}=={version} has no --hash"
                for name, (version, hashes) in pins.items() if hashes == 0]
    for requirement in declared_requirements(pyproject_text):
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        name = canonicalize_name(requirement.name)
        if name not in pins:
            problems.append(f"{requirement} is not in the lock")
        elif not requirement.specifier.contains(Version(pins[name][0]), prereleases=True):
            problems.append(f"{requirement} but the lock pins {pins[name][0]}")
    return problems


def test_the_lock_pins_every_dependency_within_pyproject_bounds_with_hashes():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lock = (ROOT / "requirements" / "lock.txt").read_text(encoding="utf-8")
    assert disagreements(pyproject, lock) == [], "run `make lock`"


def test_every_declared_dependency_has_an_upper_bound():
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    unbounded = [str(r) for r in declared_requirements(pyproject)
                 if not any(s.operator in {"<", "<=", "==", "~="} for s in r.specifier)]
    assert unbounded == []


PYPROJECT = """
[project]
dependencies = ["flask>=3.1,<3.2", "psycopg[binary]>=3.2,<4"]
[project.optional-dependencies]
dev = ["pytest>=8,<10"]
"""
HASH = "    --hash=sha256:" + "0" * 64


def test_the_check_finds_a_missing_pin_a_version_out_of_bounds_and_a_missing_hash():
    lock = "\n".join([
        "Flask==3.2.0 \\", HASH, "    # via portal (pyproject.toml)",
        "psycopg==3.3.9", "    # via portal (pyproject.toml)",
    ])
    assert disagreements(PYPROJECT, lock) == [
        "psycopg==3.3.9 has no --hash",
        f"{Requirement('flask>=3.1,<3.2')} but the lock pins 3.2.0",
        f"{Requirement('pytest>=8,<10')} is not in the lock",
    ]


def test_the_check_accepts_a_lock_that_agrees():
    lock = "\n".join(["flask==3.1.3 \\", HASH, "psycopg==3.3.9 \\", HASH,
                      "pytest==9.2.0 \\", HASH])
    assert disagreements(PYPROJECT, lock) == []
