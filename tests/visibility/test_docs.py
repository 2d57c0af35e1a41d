"""docs/access.md shows the visibility table as it is in the code."""

from pathlib import Path

from portal.visibility.table import CONDITIONS, TABLE, Relation

DOC = Path(__file__).resolve().parents[2] / "docs" / "access.md"
WORDS = {"none": "–", "read": "read", "read, audited": "read, audited", "edit": "edit"}


def markdown_table() -> str:
    """The table as docs/access.md prints it (run this file's __main__ to print it)."""
    lines = ["| Record | " + " | ".join(r.label for r in Relation) + " |",
             "| --- |" + " --- |" * len(Relation)]
    for kind, row in TABLE.items():
        lines.append(f"| {kind.label} | " + " | ".join(
            WORDS[row[relation].value] for relation in Relation) + " |")
    return "\n".join(lines)


def test_the_documented_table_is_the_enforced_one():
    assert markdown_table() in DOC.read_text(encoding="utf-8")


def test_every_condition_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for condition in CONDITIONS.values():
        assert condition in text


if __name__ == "__main__":
    print(markdown_table())
