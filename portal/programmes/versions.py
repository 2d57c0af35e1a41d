"""What changes between two versions of a programme, in words a lead reads before moving
a cohort: review points added, removed or moved, components' minimums, frameworks."""

from portal.programmes.spec import programme_spec


def _by_code(rows: list[dict]) -> dict[str, dict]:
    return {row["code"]: row for row in rows}


def _month(n: int) -> str:
    return f"month {n}"


def _added_and_removed(before: dict[str, dict], after: dict[str, dict], label: str,
                       describe) -> list[str]:
    return ([f"{label} added: {describe(row)}" for code, row in after.items()
             if code not in before]
            + [f"{label} removed: {describe(row)}" for code, row in before.items()
               if code not in after])


def _kept(before: dict[str, dict], after: dict[str, dict]):
    """(old row, new row) for each code in both versions."""
    return [(before[code], after[code]) for code in before.keys() & after.keys()]


def _review_point_changes(old: dict, new: dict) -> list[str]:
    before, after = _by_code(old["review_points"]), _by_code(new["review_points"])
    lines = _added_and_removed(before, after, "Review point",
                               lambda p: f"{p['title']} ({_month(p['due_month'])})")
    for was, now in _kept(before, after):
        if was["due_month"] != now["due_month"]:
            lines.append(f"{now['title']}: {_month(was['due_month'])} becomes "
                         f"{_month(now['due_month'])}")
        if bool(was.get("optional")) != bool(now.get("optional")):
            lines.append(f"{now['title']}: now {'optional' if now.get('optional') else 'required'}")
        if bool(was.get("final")) != bool(now.get("final")):
            lines.append(f"{now['title']}: {'now' if now.get('final') else 'no longer'} "
                         "the final review")
    return lines


def _component_changes(old: dict, new: dict) -> list[str]:
    before, after = _by_code(old["components"]), _by_code(new["components"])
    lines = _added_and_removed(before, after, "Required part",
                               lambda c: f"{c['title']} (at least {c['min_count']})")
    for was, now in _kept(before, after):
        if was["min_count"] != now["min_count"]:
            lines.append(f"{now['title']}: at least {was['min_count']} becomes at least "
                         f"{now['min_count']}")
        if (was.get("per_stage") or None) != (now.get("per_stage") or None):
            lines.append(f"{now['title']}: counted "
                         f"{'per stage' if now.get('per_stage') else 'over the whole programme'}")
    return lines


def _framework_changes(old: dict, new: dict) -> list[str]:
    def names(spec):
        return {f"{f['code']} {f['version']}" for f in spec["frameworks"]}
    before, after = names(old), names(new)
    return ([f"Framework added: {name}" for name in sorted(after - before)]
            + [f"Framework removed: {name}" for name in sorted(before - after)])


def _other_changes(old: dict, new: dict) -> list[str]:
    lines = []
    if old["duration_months"] != new["duration_months"]:
        lines.append(f"Length: {old['duration_months']} months becomes "
                     f"{new['duration_months']} months")
    for part, label in (("stages", "Stage"), ("decision_codes", "Decision code")):
        lines += _added_and_removed(_by_code(old[part]), _by_code(new[part]), label,
                                    lambda row: row["code"])
    return lines


def changes(old_programme, new_programme) -> dict[str, list[str]]:
    """Each kind of change, in reading order; empty lists where nothing changed."""
    old, new = programme_spec(old_programme), programme_spec(new_programme)
    return {
        "Review points": sorted(_review_point_changes(old, new)),
        "Required parts": sorted(_component_changes(old, new)),
        "Frameworks": _framework_changes(old, new),
        "Length, stages and decision codes": _other_changes(old, new),
    }
