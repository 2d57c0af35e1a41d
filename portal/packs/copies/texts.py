"""The free text of a snapshot that a copy anonymises, each field named by its place in the
snapshot's content ("entries.2.reflection"), in reading order, then the free text of the
reports and decisions on it made before the copy was started ("reports.0.summary"). Dates,
codes and hashes are not free text and are shown as they are."""

from datetime import datetime

from portal.packs.assessment import assessment_text

ENTRY_FIELDS = ("title", "reflection")
RECORD_FIELDS = {
    "support_agreement": ("supervision_arrangements", "workload_reduction", "protected_time",
                          "development_priorities"),
    "development_plans": ("goals", "actions"),
    "supervision": ("supervisor_name", "topics", "agreed_actions"),
    "protected_time": ("activity",),
}


def free_text(content: dict) -> list[tuple[str, str]]:
    """(field, text) of every non-empty free-text field, in reading order."""
    found = []
    for number, entry in enumerate(content.get("entries", [])):
        found += [(f"entries.{number}.{name}", entry.get(name)) for name in ENTRY_FIELDS]
        found += [(f"entries.{number}.links.{index}.reason", link.get("reason"))
                  for index, link in enumerate(entry.get("links", []))]
        found += [(f"entries.{number}.attachments.{index}.name", file.get("name"))
                  for index, file in enumerate(entry.get("attachments", []))]
    records = content.get("records", {})
    for record, names in RECORD_FIELDS.items():
        for number, row in enumerate(records.get(record, [])):
            found += [(f"records.{record}.{number}.{name}", row.get(name)) for name in names]
    return [(field, text) for field, text in found if isinstance(text, str) and text.strip()]


def copy_text(snapshot, made_by: datetime) -> list[tuple[str, str]]:
    """Every field a copy started at `made_by` covers, in reading order."""
    return free_text(snapshot.content) + assessment_text(snapshot, made_by)


ASSESSMENT_TITLES = {"reports": "Review report", "decisions": "Panel decision"}


def field_title(field: str) -> str:
    """A reader's name for a field: "Evidence 3: reflection"."""
    parts = field.split(".")
    if parts[0] in ASSESSMENT_TITLES:
        what = parts[-1] if len(parts) == 3 else f"{parts[2][:-1]} {int(parts[3]) + 1}"
        return (f"{ASSESSMENT_TITLES[parts[0]]} {int(parts[1]) + 1}: "
                f"{what.replace('_', ' ')}")
    if parts[0] == "entries":
        what = {"title": "title", "reflection": "reflection"}.get(parts[-1], parts[2][:-1])
        if parts[-1] == "reason":
            what = "link reason"
        elif parts[-1] == "name":
            what = "file name"
        return f"Evidence {int(parts[1]) + 1}: {what}"
    return f"{parts[1].replace('_', ' ').capitalize()} {int(parts[2]) + 1}: " \
           f"{parts[3].replace('_', ' ')}"
