"""After the soak: is every save the portal acknowledged really there, and what failed."""

from pathlib import Path

from sqlalchemy import bindparam, create_engine, text

from bench.soak_people import Tally
from portal.core.storage.local import LocalFileStorage

_ENTRIES = text("SELECT id, title FROM evidence_entry WHERE title IN :titles").bindparams(
    bindparam("titles", expanding=True))
_FILES = text("SELECT entry_id, original_name, stored_name FROM attachment "
              "WHERE original_name IN :names").bindparams(bindparam("names", expanding=True))
BATCH = 500


def _batches(values: list) -> list[list]:
    return [values[start:start + BATCH] for start in range(0, len(values), BATCH)]


def missing_saves(database_url: str, tally: Tally, upload_dir: Path | None = None) -> dict:
    """The acknowledged entries and files the database does not hold (an entry must have
    the id the portal redirected to; a file must be on the entry it was uploaded to and,
    given the server's `upload_dir`, its content must be in the file store)."""
    store = LocalFileStorage(upload_dir) if upload_dir else None
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    found_entries, found_files = set(), set()
    with engine.connect() as connection:
        for titles in _batches(sorted(tally.saved_entries)):
            found_entries |= {(title, entry_id) for entry_id, title
                              in connection.execute(_ENTRIES, {"titles": titles})}
        for names in _batches(sorted(name for _entry, name in tally.saved_files)):
            found_files |= {(entry_id, name) for entry_id, name, stored
                            in connection.execute(_FILES, {"names": names})
                            if store is None or store.exists(stored)}
    engine.dispose()
    return {"entries": sorted(set(tally.saved_entries.items()) - found_entries),
            "files": sorted(tally.saved_files - found_files)}


def failures(tally: Tally, missing: dict) -> list[str]:
    """Why the soak failed, one line each; empty when it passed."""
    found = list(tally.problems)
    found += [f"acknowledged entry missing afterwards: {title} (id {entry_id})"
              for title, entry_id in missing["entries"]]
    found += [f"acknowledged file missing afterwards: {name} on entry {entry_id}"
              for entry_id, name in missing["files"]]
    if not tally.saved_entries or not tally.saved_files:
        found.append("nothing was saved: the soak did not exercise saves")
    return found
