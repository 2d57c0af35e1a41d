"""The redaction engine: finds identifying details in free text and proposes a label for
each ([Candidate], [Child 1], [NHS number]...). Pure text in, proposals out: it knows no
table, so the panels' anonymised view and the reviewed anonymised copies (portal.packs.copies)
share it. See docs/redaction.md."""
