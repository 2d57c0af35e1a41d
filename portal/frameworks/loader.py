"""Load frameworks and version mappings from YAML files, refusing anything doubtful.

Framework wording is what candidates evidence their practice against, so a file is
checked completely before anything is added: every problem is reported with the place it
was found (`elements[3].children[0].code: ...`), and a (code, version) that is already
loaded is never replaced, because portfolios pin the versions they started on.
Functions here flush and write an audit row; the caller commits.
"""

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, tuple_

from portal.core import audit
from portal.core.db import db
from portal.frameworks.models import (
    ElementMapping,
    Framework,
    FrameworkElement,
    FrameworkLevel,
    FrameworkStatus,
)


class FrameworkFileError(ValueError):
    """A framework or mapping file that cannot be loaded: every problem found, each
    starting with the place it was found, so a person can fix them all in one go."""

    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class _Problems(list):
    """The problems found so far; checking goes on after each one."""

    def attempt(self, check, *args, **kwargs):
        """Run one check; on failure note its problems and return None."""
        try:
            return check(*args, **kwargs)
        except FrameworkFileError as error:
            self.extend(error.problems)
            return None


# Column sizes from the models: a longer value would be cut off or refused by PostgreSQL.
FRAMEWORK_FIELDS = {"code": 60, "version": 30, "title": 200, "publisher": 200, "source": 500}
ELEMENT_FIELDS = {"code": 30, "title": 300, "description": None, "group": 60}
LEVEL_FIELDS = {"code": 60, "title": 200, "description": None}
MAPPING_NOTE_LENGTH = 500

FRAMEWORK_REQUIRED = {"code", "version", "title", "publisher", "status", "elements"}
FRAMEWORK_OPTIONAL = {"source", "levels", "published", "applies_from"}
DATE_FIELDS = {"published": "published_on", "applies_from": "applies_from"}
ELEMENT_REQUIRED = {"code", "title", "description", "verified"}
ELEMENT_OPTIONAL = {"group", "children"}
LEVEL_REQUIRED = {"code", "title", "description"}
MAPPING_REQUIRED = {"from", "to", "mappings"}
MAPPING_ROW_REQUIRED = {"from", "to"}
MAPPING_ROW_OPTIONAL = {"note"}
VERSION_KEYS = {"code", "version"}


# --- Reading YAML --------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice (PyYAML would keep the last silently)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False):
    loader.flatten_mapping(node)
    seen: dict[Any, Any] = {}
    for key_node, _value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            line = key_node.start_mark.line + 1
            raise FrameworkFileError(f"line {line}: the key '{key}' is given twice")
        seen[key] = True
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping
)


def read_yaml_file(path) -> dict:
    """Parse a YAML file into a mapping, turning every failure into FrameworkFileError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise FrameworkFileError(f"cannot read the file ({error})") from error
    return read_yaml_text(text)


def read_yaml_text(text: str) -> dict:
    """Parse YAML text into a mapping, turning every failure into FrameworkFileError."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = error.problem or error.context or "invalid YAML"
        raise FrameworkFileError(f"YAML syntax error{where}: {problem}") from error
    except yaml.YAMLError as error:
        raise FrameworkFileError(f"YAML syntax error: {error}") from error
    if data is None:
        raise FrameworkFileError("the file is empty")
    if not isinstance(data, dict):
        raise FrameworkFileError("the file must hold a mapping (code, version, title ...)")
    return data


# --- Small validators ----------------------------------------------------------------


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return type(value).__name__


def _key_problems(mapping: Any, place: str, required: set[str], optional: set[str]) -> list:
    """Every unknown and missing key of a mapping (or why it is not a mapping)."""
    prefix = f"{place}: " if place else ""
    if not isinstance(mapping, dict):
        return [f"{prefix}must be a mapping, not {_describe(mapping)}"]
    unknown = sorted(str(k) for k in mapping if k not in required | optional)
    missing = sorted(required - set(mapping))
    return [f"{prefix}unknown key '{key}'" for key in unknown] + [
        f"{prefix}missing key '{key}'" for key in missing
    ]


def _check_keys(mapping: Any, place: str, required: set[str], optional: set[str]) -> None:
    """Refuse a mapping file's part at its first wrong key (mapping files stop there)."""
    problems = _key_problems(mapping, place, required, optional)
    if problems:
        raise FrameworkFileError(problems[0])


def _text(mapping: dict, key: str, place: str, max_length: int | None) -> str:
    """A non-empty string no longer than its column; numbers are refused, not converted."""
    value = mapping[key]
    where = f"{place}.{key}" if place else key
    if not isinstance(value, str):
        hint = f' (put it in quotes: "{value}")' if isinstance(value, int | float) else ""
        raise FrameworkFileError(f"{where}: must be text, not {_describe(value)}{hint}")
    value = value.strip()
    if not value:
        raise FrameworkFileError(f"{where}: must not be empty")
    if max_length is not None and len(value) > max_length:
        raise FrameworkFileError(
            f"{where}: is {len(value)} characters long; the most allowed is {max_length}"
        )
    return value


def _list(mapping: dict, key: str, place: str, allow_empty: bool = False) -> list:
    value = mapping[key]
    where = f"{place}.{key}" if place else key
    if not isinstance(value, list):
        raise FrameworkFileError(f"{where}: must be a list, not {_describe(value)}")
    if not value and not allow_empty:
        raise FrameworkFileError(f"{where}: must not be empty")
    return value


def _date(mapping: dict, key: str) -> date:
    """A date written as 2026-02-18 (YAML reads it as a date; quoted, it is parsed)."""
    value = mapping[key]
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    elif isinstance(value, date):
        return value
    raise FrameworkFileError(f"{key}: must be a date such as 2026-02-18")


# --- Frameworks ----------------------------------------------------------------------


def _validate_levels(raw_levels: list, problems: _Problems) -> list[dict]:
    levels, first_place = [], {}
    for index, raw in enumerate(raw_levels):
        place = f"levels[{index}]"
        key_problems = _key_problems(raw, place, LEVEL_REQUIRED, set())
        problems.extend(key_problems)
        if key_problems:
            continue
        level = {
            key: problems.attempt(_text, raw, key, place, size)
            for key, size in LEVEL_FIELDS.items()
        }
        code = level["code"]
        if code in first_place:
            problems.append(
                f"{place}.code: duplicate code '{code}' (also at {first_place[code]})"
            )
        elif code is not None:
            first_place[code] = place
        levels.append(level)
    return levels


def _validate_element(raw: Any, here: str, depth: int, first_place: dict,
                      problems: _Problems) -> dict | None:
    """One element and its children, or None when its keys are wrong."""
    key_problems = _key_problems(raw, here, ELEMENT_REQUIRED, ELEMENT_OPTIONAL)
    problems.extend(key_problems)
    if key_problems:
        return None
    element = {
        key: problems.attempt(_text, raw, key, here, size)
        for key, size in ELEMENT_FIELDS.items()
        if key in raw
    }
    code = element["code"]
    if code in first_place:
        problems.append(f"{here}.code: duplicate code '{code}' (also at {first_place[code]})")
    elif code is not None:
        first_place[code] = here
    if not isinstance(raw["verified"], bool):
        problems.append(
            f"{here}.verified: must be true or false, not {_describe(raw['verified'])}"
        )
    element["verified"] = raw["verified"]
    element["depth"] = depth
    children = problems.attempt(_list, raw, "children", here) if "children" in raw else []
    element["children"] = _validate_elements(
        children or [], f"{here}.children", depth + 1, first_place, problems
    )
    return element


def _validate_elements(raw_elements: list, place: str, depth: int, first_place: dict,
                       problems: _Problems) -> list:
    """Element dicts with their children, checked depth-first; codes unique in the tree."""
    elements = []
    for index, raw in enumerate(raw_elements):
        element = _validate_element(raw, f"{place}[{index}]", depth, first_place, problems)
        if element is not None:
            elements.append(element)
    return elements


def validate_framework(data: Any) -> dict:
    """Check a parsed framework file; returns cleaned values or raises FrameworkFileError
    listing every problem found. Only a draft may have no elements yet: it holds a
    standard's place until its published text is loaded."""
    if not isinstance(data, dict):
        raise FrameworkFileError(f"must be a mapping, not {_describe(data)}")
    problems = _Problems(_key_problems(data, "", FRAMEWORK_REQUIRED, FRAMEWORK_OPTIONAL))
    framework = {
        key: problems.attempt(_text, data, key, "", size)
        for key, size in FRAMEWORK_FIELDS.items()
        if key in data
    }
    status = data.get("status")
    allowed = [s.value for s in FrameworkStatus]
    if "status" in data and status not in allowed:
        problems.append(f"status: must be one of {', '.join(allowed)}, not '{status}'")
    framework["status"] = status
    for key, column in DATE_FIELDS.items():
        framework[column] = problems.attempt(_date, data, key) if key in data else None
    raw_levels = problems.attempt(_list, data, "levels", "", allow_empty=True) \
        if "levels" in data else []
    framework["levels"] = _validate_levels(raw_levels or [], problems)
    raw_elements = problems.attempt(
        _list, data, "elements", "", allow_empty=status == FrameworkStatus.DRAFT.value
    ) if "elements" in data else []
    framework["elements"] = _validate_elements(raw_elements or [], "elements", 0, {}, problems)
    if problems:
        raise FrameworkFileError(problems)
    return framework


def find_framework(code: str, version: str) -> Framework | None:
    return db.session.scalar(
        select(Framework).where(Framework.code == code, Framework.version == version)
    )


def _add_elements(framework: Framework, elements: list, parent, counter: list[int]) -> None:
    for values in elements:
        # A statement without its own group belongs to its domain's group (PCF super-domain).
        group = values.get("group") or (parent.group_name if parent is not None else None)
        element = FrameworkElement(
            code=values["code"], title=values["title"], description=values["description"],
            group_name=group, position=counter[0], depth=values["depth"],
            verified=values["verified"], parent=parent,
        )
        counter[0] += 1
        framework.elements.append(element)
        _add_elements(framework, values["children"], element, counter)


def load_framework(data: dict) -> Framework:
    """Validate `data` (a parsed framework file) and add the framework; flushed, not committed."""
    values = validate_framework(data)
    if find_framework(values["code"], values["version"]) is not None:
        raise FrameworkFileError(
            f"{values['code']} {values['version']} is already loaded; "
            "load a new version with a different version string"
        )
    framework = Framework(
        code=values["code"], version=values["version"], title=values["title"],
        publisher=values["publisher"], source=values.get("source"), status=values["status"],
        published_on=values.get("published_on"), applies_from=values.get("applies_from"),
    )
    add_elements(framework, values)
    db.session.add(framework)
    db.session.flush()
    audit.record(
        None, "framework_loaded", framework, code=framework.code, version=framework.version,
        elements=len(framework.elements), levels=len(framework.levels),
    )
    return framework


def add_elements(framework: Framework, values: dict) -> None:
    """Give a framework the checked levels and element tree of `values` (not flushed)."""
    framework.levels = [
        FrameworkLevel(position=position, **level)
        for position, level in enumerate(values["levels"])
    ]
    _add_elements(framework, values["elements"], None, [0])


def load_framework_file(path) -> Framework:
    """Read, validate and add the framework in the YAML file at `path`."""
    return load_framework(read_yaml_file(path))


def set_framework_status(framework: Framework, status: str, actor=None) -> Framework:
    """Make a framework draft, active or retired (audited, flushed, not committed).
    `actor` is None for the command line, the administrator for the web pages."""
    allowed = [s.value for s in FrameworkStatus]
    if status not in allowed:
        raise FrameworkFileError(f"status: must be one of {', '.join(allowed)}, not '{status}'")
    previous = framework.status
    framework.status = status
    db.session.flush()
    audit.record(actor, "framework_status_changed", framework, previous=previous, status=status)
    return framework


# --- Mappings between versions -------------------------------------------------------


def _mapped_framework(data: dict, key: str) -> Framework:
    _check_keys(data[key], key, VERSION_KEYS, set())
    code = _text(data[key], "code", key, FRAMEWORK_FIELDS["code"])
    version = _text(data[key], "version", key, FRAMEWORK_FIELDS["version"])
    framework = find_framework(code, version)
    if framework is None:
        raise FrameworkFileError(f"{key}: no framework {code} {version} is loaded")
    return framework


def _element_codes(framework: Framework) -> dict[str, FrameworkElement]:
    return {element.code: element for element in framework.elements}


def load_mapping(data: Any) -> list[ElementMapping]:
    """Record which elements of one version correspond to which of another (flushed)."""
    _check_keys(data, "", MAPPING_REQUIRED, set())
    source, target = _mapped_framework(data, "from"), _mapped_framework(data, "to")
    if source.id == target.id:
        raise FrameworkFileError("to: must be a different framework version from 'from'")
    source_elements, target_elements = _element_codes(source), _element_codes(target)
    pairs, first_place = [], {}
    for index, raw in enumerate(_list(data, "mappings", "")):
        place = f"mappings[{index}]"
        _check_keys(raw, place, MAPPING_ROW_REQUIRED, MAPPING_ROW_OPTIONAL)
        from_code = _text(raw, "from", place, ELEMENT_FIELDS["code"])
        to_code = _text(raw, "to", place, ELEMENT_FIELDS["code"])
        note = _text(raw, "note", place, MAPPING_NOTE_LENGTH) if "note" in raw else ""
        if from_code not in source_elements:
            raise FrameworkFileError(
                f"{place}.from: {source.code} {source.version} has no element '{from_code}'"
            )
        if to_code not in target_elements:
            raise FrameworkFileError(
                f"{place}.to: {target.code} {target.version} has no element '{to_code}'"
            )
        if (from_code, to_code) in first_place:
            raise FrameworkFileError(
                f"{place}: duplicate mapping '{from_code}' -> '{to_code}' "
                f"(also at {first_place[(from_code, to_code)]})"
            )
        first_place[(from_code, to_code)] = place
        pairs.append((source_elements[from_code], target_elements[to_code], note, place))
    _refuse_recorded(pairs)
    mappings = [
        ElementMapping(from_element_id=a.id, to_element_id=b.id, note=note)
        for a, b, note, _place in pairs
    ]
    db.session.add_all(mappings)
    db.session.flush()
    audit.record(
        None, "framework_mapping_loaded", target, from_framework_id=source.id,
        to_framework_id=target.id, mappings=len(mappings),
    )
    return mappings


def _refuse_recorded(pairs: list) -> None:
    """A mapping already in the database is refused (re-running a file is a mistake)."""
    wanted = [(a.id, b.id) for a, b, _note, _place in pairs]
    recorded = set(
        db.session.execute(
            select(ElementMapping.from_element_id, ElementMapping.to_element_id).where(
                tuple_(ElementMapping.from_element_id, ElementMapping.to_element_id).in_(wanted)
            )
        ).all()
    )
    for a, b, _note, place in pairs:
        if (a.id, b.id) in recorded:
            raise FrameworkFileError(f"{place}: '{a.code}' -> '{b.code}' is already recorded")


def load_mapping_file(path) -> list[ElementMapping]:
    """Read, validate and record the mapping in the YAML file at `path`."""
    return load_mapping(read_yaml_file(path))
