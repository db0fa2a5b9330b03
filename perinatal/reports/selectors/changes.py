"""The figures that changed between two versions of a report (docs/rules/board_report.md §2):
every figure the report shows, named by its part and label, compared as shown."""

from __future__ import annotations

from collections.abc import Iterator


def figures_of(doc: dict) -> Iterator[tuple[str, str, str]]:
    """(part, figure, value as shown) for every figure of a document."""
    for item in doc["cover"].values():
        yield "Cover", item["label"], str(item["value"])
    yield "Summary", "What changed this month", "\n".join(doc["summary"]["changes"])
    for key in ("meaning", "actions", "board_asked"):
        yield "Summary", doc["summary"][key]["label"], str(doc["summary"][key]["value"])
    for site in doc["signals"]["sites"]:
        yield "Outcome signals", f"{site['site_code']}: level this month", str(site["level"])
        months = ", ".join(f"{m['month'][:7]} ({m['level']})" for m in site["signal_months"])
        yield "Outcome signals", f"{site['site_code']}: months that signalled", months
    for check in doc["safety_checks"]:
        yield "Safety checks", f"{check['site_code']} signal seen {check['signalled_on']}", check["status_words"]
    for metric in doc["dashboard"]["metrics"]:
        for field, label in (
            ("value", ""),
            ("twelve_months_value", ", 12 months"),
            ("england_value", ", England"),
            ("funnel_position", ", funnel plot"),
            ("variation", ", variation"),
        ):
            yield "Performance dashboard", f"{metric['title']}{label}", str(metric[field])
    notes = doc["notifications"]
    yield "Notifications", "Notifications made", str(notes["notified"])
    for row in notes["by_type"]:
        yield "Notifications", row["type"], str(row["count"])
    for body in notes["bodies"]:
        for field, label in (("sent", "sent"), ("late", "after the due date"), ("open_questions", "questions")):
            yield "Notifications", f"{body['name']}: {label}", str(body[field])
    yield "Notifications", "MNSI cases accepted", str(notes["mnsi_accepted"])
    yield "Notifications", "NHS Resolution Early Notification cases", str(notes["nhsr_early_notification"])
    for item in doc["mds"]:
        for field in item["fields"]:
            yield "Minimum data set", f"{item['title']}: {field['label']}", field["text"]
    for key in ("by_ethnic_group", "by_imd_quintile"):
        for row in doc["equity"][key]:
            yield (
                "Equity",
                f"{row['title']}: {row['group']}",
                f"{row['numerator']} of {row['denominator']}, {row['value_text']}",
            )
    for site in doc["equity"]["programme"]:
        yield "Equity", f"Programme: {site['site_code']}", f"{site['status']}, {site['elements_done']} of 5 elements"
    case = doc["improvement"] or {}
    for key in ("stage", "diagnostic", "actions_completed", "actions_overdue", "escalation_level"):
        if key in case:
            yield "Improvement support", key.replace("_", " ").capitalize(), str(case[key])
    for number, risk in enumerate(doc["risks"]["risks"], start=1):
        yield "Risks and decisions", f"Risk {number}", f"{risk['risk']} ({risk['score']})"
    yield "Risks and decisions", "Escalations", str(doc["risks"]["escalations"])
    yield "Risks and decisions", "Decisions", str(doc["risks"]["decisions"])


def changed_figures(before: dict, after: dict) -> list[dict]:
    """Each figure whose value differs, in the order of the report (a figure only in one
    version shows as "Not in the report" in the other)."""
    old = {(part, figure): value for part, figure, value in figures_of(before)}
    new = {(part, figure): value for part, figure, value in figures_of(after)}
    missing = "Not in the report"
    keys = list(new) + [key for key in old if key not in new]
    return [
        {
            "part": part,
            "figure": figure,
            "before": old.get((part, figure), missing),
            "after": new.get((part, figure), missing),
        }
        for part, figure in keys
        if old.get((part, figure)) != new.get((part, figure))
    ]
