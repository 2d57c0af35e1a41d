"""Reading an uploaded framework file: its format, its checks, and where it would go.

Nothing here changes the database; the preview and the save both call `check_upload`, so a
file is checked again when it is saved, whatever the browser sent back.
"""

from portal.frameworks.imports.csv_file import read_framework_csv
from portal.frameworks.loader import (
    FrameworkFileError,
    find_framework,
    read_yaml_text,
    validate_framework,
)
from portal.frameworks.models import Framework, FrameworkStatus

MAX_FILE_BYTES = 400 * 1024  # the preview sends the text back in one form field (500 kB)
FORMATS = {".yaml": "yaml", ".yml": "yaml", ".csv": "csv"}


def file_format(filename: str) -> str:
    """'yaml' or 'csv' from the file's name; anything else is refused."""
    for ending, name in FORMATS.items():
        if filename.lower().endswith(ending):
            return name
    raise FrameworkFileError("the file must be a YAML file (.yaml or .yml) or a CSV file (.csv)")


def decode(raw: bytes) -> str:
    _check_size(raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FrameworkFileError("the file must be saved as UTF-8 text") from error


def _check_size(raw: bytes) -> None:
    if len(raw) > MAX_FILE_BYTES:
        raise FrameworkFileError(f"the file must be smaller than {MAX_FILE_BYTES // 1024} kB")


def check_upload(filename: str, text: str) -> tuple[dict, Framework | None]:
    """The checked values of a file, and the empty draft they fill (None for a new
    version); raises FrameworkFileError with every problem found."""
    # The save sends the text back in a form field: as big as the request allows, so the
    # size is checked again before any parsing.
    _check_size(text.encode())
    if file_format(filename) == "csv":
        values = read_framework_csv(text)
    else:
        values = validate_framework(read_yaml_text(text))
    draft = find_framework(values["code"], values["version"])
    problems = _target_problems(values, draft)
    if problems:
        raise FrameworkFileError(problems)
    return values, draft


def _target_problems(values: dict, existing: Framework | None) -> list[str]:
    """A loaded version is never replaced (portfolios pin it), but a draft that only holds
    a standard's place, with no elements yet, is filled in."""
    name = f"{values['code']} {values['version']}"
    if existing is not None:
        if existing.status != FrameworkStatus.DRAFT.value or existing.elements:
            return [f"framework {name} is already loaded ({existing.status}); "
                    "a new wording is a new version with its own version string"]
        return []
    missing = [key for key in ("title", "publisher") if not values.get(key)]
    if missing:
        return [f"unknown framework {name}: no such version is loaded, so give its "
                + " and ".join(missing) + " (framework_title and publisher columns)"]
    return []
