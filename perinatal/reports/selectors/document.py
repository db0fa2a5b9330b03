"""The report document: everything a board report shows, as plain data (JSON), built from
the other parts' selectors (docs/rules/board_report.md §1) and the author's entries.

The same document is what the pages, the PDF and `perinatal board-report --format json`
show, so the figures agree everywhere. `public=True` builds the public edition
(docs/rules/board_report.md §2): the dashboard's and the equity breakdowns' public rows,
counts of people controlled (docs/rules/equity.md §2), no free text, no names.
"""

from __future__ import annotations

from datetime import date, datetime

from perinatal.charts.scales import plural
from perinatal.core.formatting import long_date, month_and_year
from perinatal.dashboard.selectors.organisations import organisation_map
from perinatal.kernel.disclosure import public_count
from perinatal.kernel.text import sentence
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import sites_of
from perinatal.reports import mds as m
from perinatal.reports import narrative as n
from perinatal.reports.models import BoardReport
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors.changes import changed_figures
from perinatal.reports.selectors.dashboard_section import dashboard_part
from perinatal.reports.selectors.equity_section import equity_part
from perinatal.reports.selectors.improvement_section import improvement_part
from perinatal.reports.selectors.notifications_section import notifications_part
from perinatal.reports.selectors.signals_section import safety_checks_part, sites_part
from perinatal.reports.selectors.state import latest_approved, mds_in_force, narrative_in_force, submitted_snapshot
from perinatal.surveillance.selectors.safety_checks import signals_for_site

SCHEMA = "perinatal-board-report/1"
EDITION_PRIVATE = "private"
EDITION_PUBLIC = "public"
PUBLIC_NOTE = (
    "Public edition: so that no one can be identified, counts of people from 1 to 7 are shown as * and other "
    "counts of people are rounded to the nearest 5; the minimum data set's written answers, the safety checks' "
    "actions and people's names are left out."
)


def _cover(values: dict, *, public: bool) -> dict:
    cover = {}
    for field in n.FIELDS[n.PART_COVER]:
        if public and not field.public:
            continue
        value = values.get(field.key)
        if field.kind == n.KIND_CHOICE and value:
            value = dict(field.choices)[value]
        if field.kind == n.KIND_DATE and value:
            value = long_date(date.fromisoformat(value))
        cover[field.key] = {"label": field.label, "value": value or m.NOT_PROVIDED}
    return cover


def _mds(report: BoardReport | None, *, public: bool) -> list[dict]:
    entries = mds_in_force(report)
    items = []
    for item in m.ITEMS:
        entry = entries.get(item.key)
        fields = []
        for field in item.fields:
            value = entry.values.get(field.key) if entry else None
            if public and field.kind == m.KIND_TEXT:
                shown = "Given in the private edition" if value else m.NOT_PROVIDED
                fields.append({"key": field.key, "label": field.label, "value": None, "text": shown})
                continue
            if public and field.people and isinstance(value, int):
                value = public_count(value)
            fields.append(
                {"key": field.key, "label": field.label, "value": value, "text": m.display_value(field, value)}
            )
        items.append({"key": item.key, "title": item.title, "provided": entry is not None, "fields": fields})
    return items


def _risks(values: dict, improvement: dict | None, *, public: bool) -> dict:
    risks = [
        {"risk": values[f"risk_{number}"], "score": values[f"risk_{number}_score"]}
        for number in range(1, n.RISK_ROWS + 1)
        if values.get(f"risk_{number}")
    ]
    return {
        "risks": risks,
        "escalations_in_force": improvement["escalations_in_force"] if improvement else [],
        "escalations": values.get("escalations") or m.NOT_PROVIDED,
        "decisions": values.get("decisions") or m.NOT_PROVIDED,
    }


def _new_signals(trust: Organisation, month: ReportMonth) -> list[dict]:
    found = []
    for site in sites_of(trust, month.last_day):
        for signal in signals_for_site(site):
            if signal.is_active and month.contains(signal.first_seen_on):
                found.append({"site_code": site.code, "month": month_and_year(signal.month), "level": signal.level})
    return sorted(found, key=lambda s: (s["site_code"], s["month"]))


def _changes(*, dashboard: dict, new_signals: list[dict], checks: list[dict], notifications: dict, improvement) -> list:
    """What changed this month, in plain words, from the data (docs/rules/board_report.md §1.2)."""
    points = []
    for metric in dashboard["metrics"]:
        key = metric["variation_icon"] or ""
        if key and key != "common_cause":
            points.append(f"{metric['title']}: {metric['variation'].lower()} ({metric['period']}).")
    for signal in new_signals:
        points.append(f"New MOSS level {signal['level']} signal at site {signal['site_code']} for {signal['month']}.")
    overdue = [check for check in checks if check["status"] == "overdue"]
    if overdue:
        sites = ", ".join(sorted({check["site_code"] for check in overdue}))
        checks_words = sentence(plural(len(overdue), "critical safety check"))
        points.append(f"{checks_words} overdue on the day of this report ({sites}).")
    late = [body for body in notifications["bodies"] if body["late"] not in (0, "0")]
    for body in late:
        points.append(f"Notifications that reached {body['name']} after its due date: {body['late']}.")
    if improvement and (improvement["executive_meetings_missed"] or improvement["quarterly_reviews_missed"]):
        missed = []
        if improvement["executive_meetings_missed"]:
            months = improvement["executive_months_missed"]
            missed.append(
                plural(improvement["executive_meetings_missed"], "monthly executive meeting")
                + (f" ({months})" if months else "")
            )
        if improvement["quarterly_reviews_missed"]:
            quarters = improvement["review_quarters_missed"]
            missed.append(
                plural(improvement["quarterly_reviews_missed"], "quarterly improvement review")
                + (f" ({quarters})" if quarters else "")
            )
        points.append(f"Improvement support meetings missed: {' and '.join(missed)}.")
    if not points:
        points.append("No special cause variation, new signal, overdue safety check or late notification this month.")
    return points


def points_of(text: str | None) -> list[str]:
    """The author's "what changed" as the report's points: one to a line, empty lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def text_of(points: list[str]) -> str:
    """Points as the text the author edits, one to a line."""
    return "\n".join(points)


def _summary(values: dict, generated: list[str], *, public: bool) -> dict:
    """What changed (the author's words when they have edited it, else as generated; the public
    edition always as generated from its own controlled figures), then the author's words."""
    edited = None if public else points_of(values.get("changed"))
    summary = {
        "changes": edited or generated,
        "changes_edited": bool(edited),
        "generated_changes": generated,
    }
    for field in n.FIELDS[n.PART_SUMMARY]:
        if field.key != "changed":
            summary[field.key] = {"label": field.label, "value": values.get(field.key) or m.NOT_PROVIDED}
    return summary


def generated_changes(*, trust: Organisation, month: ReportMonth, generated_on: date) -> list[str]:
    """What changed in the month as generated from the data for the private edition: the summary
    form's starting text."""
    _metrics, dashboard = dashboard_part(
        trust_code=trust.code, trust_name=trust.display_name, month=month, public=False
    )
    return _changes(
        dashboard=dashboard,
        new_signals=_new_signals(trust, month),
        checks=safety_checks_part(trust=trust, generated_on=generated_on, public=False),
        notifications=notifications_part(trust=trust, month=month, generated_on=generated_on, public=False),
        improvement=improvement_part(trust=trust, month=month),
    )


def build_document(
    *,
    trust: Organisation,
    month: ReportMonth,
    generated_on: date,
    public: bool,
    report: BoardReport | None = None,
    now: datetime | None = None,
) -> dict:
    """The report for `trust` and `month`, generated on `generated_on` (the safety checks' status
    day), with what the author has entered on `report` so far."""
    narrative = narrative_in_force(report) if report is not None else {}
    orgs = organisation_map()  # the register, read once for every part
    metrics, dashboard = dashboard_part(
        trust_code=trust.code, trust_name=trust.display_name, month=month, public=public, now=now, orgs=orgs
    )
    checks = safety_checks_part(trust=trust, generated_on=generated_on, public=public)
    notifications = notifications_part(trust=trust, month=month, generated_on=generated_on, public=public)
    improvement = improvement_part(trust=trust, month=month)
    new_signals = _new_signals(trust, month)
    summary_values = narrative.get(n.PART_SUMMARY, {})
    generated = _changes(
        dashboard=dashboard,
        new_signals=new_signals,
        checks=checks,
        notifications=notifications,
        improvement=improvement,
    )
    return {
        "schema": SCHEMA,
        "edition": EDITION_PUBLIC if public else EDITION_PRIVATE,
        "public_note": PUBLIC_NOTE if public else "",
        "trust": {"code": trust.code, "name": trust.display_name},
        "month": str(month),
        "month_label": month_and_year(month.first_day),
        "period_start": month.first_day.isoformat(),
        "period_end": month.last_day.isoformat(),
        "generated_on": generated_on.isoformat(),
        "generated_on_label": long_date(generated_on),
        "cover": _cover(narrative.get(n.PART_COVER, {}), public=public),
        "summary": _summary(summary_values, generated, public=public),
        "signals": {**sites_part(trust=trust, month=month, public=public), "new_signals": new_signals},
        "safety_checks": checks,
        "metrics": metrics,
        "dashboard": dashboard,
        "notifications": notifications,
        "mds": _mds(report, public=public),
        "equity": equity_part(trust=trust, month=month, public=public, orgs=orgs),
        "improvement": improvement,
        "risks": _risks(narrative.get(n.PART_RISKS, {}), improvement, public=public),
    }


def with_changes(doc: dict, *, report: BoardReport, snapshot=None) -> dict:
    """A private document of a correction not yet approved, with the figures that differ from the
    last approved version (docs/rules/board_report.md §2): as listed at its submission (`snapshot`),
    or, for a draft, as they stand. The approved files carry the list; the executive lead and the
    author see it before."""
    if snapshot is not None:
        changes = snapshot.changes
    else:
        approved = latest_approved(report)
        before = submitted_snapshot(approved) if approved is not None else None
        changes = changed_figures(before.private_document, doc) if before is not None else []
    return {**doc, "changes": changes} if changes else doc
