"""The outcome signals part of a board report (docs/rules/board_report.md §1.3), read through the
surveillance selectors: each site's MOSS level in the month and its signals in the 12 months
ending with it, from the latest stored run; the trust's critical safety checks with their
status on the day the report is generated.
"""

from __future__ import annotations

from datetime import date

from perinatal.core import clock
from perinatal.core.formatting import long_date, month_and_year
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import sites_of
from perinatal.reports.mds import without_identifiers
from perinatal.reports.rules import ReportMonth, check_status_on
from perinatal.surveillance.analyst_files import format_number
from perinatal.surveillance.models import SafetyCheckActionUpdate
from perinatal.surveillance.selectors.runs import latest_results_run, site_results
from perinatal.surveillance.selectors.safety_checks import actions_of_checks, checks_of_trust

STATUS_WORDS = {
    "completed_on_time": "Completed on time",
    "completed_late": "Completed late",
    "open": "Open",
    "overdue": "Overdue",
}


def _check_words(status: str, *, due_on: date, completed_on: date | None) -> str:
    """`completed on time`, `completed late (on …)`, `open (due …)`, `overdue (due …)`."""
    if status == "completed_late":
        return f"Completed late (on {long_date(completed_on)})"
    if status == "completed_on_time":
        return f"Completed on time (on {long_date(completed_on)})"
    return f"{STATUS_WORDS[status]} (due {long_date(due_on)})"


def _done_on(action, day: date) -> bool:
    """Done by the end of `day`: its latest update by then says so (an action's owner is not
    shown: the report names no one)."""
    updates = [update for update in action.updates.all() if clock.london(update.at).date() <= day]
    latest = max(updates, key=lambda update: (update.at, update.id), default=None)
    return latest is not None and latest.status == SafetyCheckActionUpdate.Status.DONE


def sites_part(*, trust: Organisation, month: ReportMonth, public: bool) -> dict:
    run = latest_results_run()
    sites = []
    window_start = month.shifted(-11).first_day
    for site in sorted(sites_of(trust, month.last_day), key=lambda s: s.code):
        results = [r for r in site_results(run=run, site=site) if r.month <= month.first_day] if run else []
        if not results:
            continue
        this_month = next((r for r in results if r.month == month.first_day), None)
        recent = [r for r in results if r.month >= window_start]
        entry = {
            "site_code": site.code,
            "site_name": site.name,
            "level": this_month.level if this_month else 0,
            "evaluated": this_month is not None,
            "signal_months": [
                {"month": r.month.isoformat(), "label": month_and_year(r.month), "level": r.level}
                for r in recent
                if r.level > 0
            ],
        }
        if not public:
            # Monthly deaths at a site are small counts of people: the private edition only.
            entry["moss_rows"] = [
                {
                    "month": r.month.isoformat()[:7],
                    "events": r.events,
                    "expected": format_number(r.expected),
                    "k": format_number(r.k),
                    "h1": format_number(r.h1),
                    "h2": format_number(r.h2),
                    "cusum": format_number(r.cusum),
                    "level": r.level,
                    "reset": r.reset,
                }
                for r in recent
            ]
        sites.append(entry)
    return {
        "run_started_at": run.started_at.isoformat() if run else None,
        "method": run.method if run else "",
        "sites": sites,
    }


def safety_checks_part(*, trust: Organisation, generated_on: date, public: bool) -> list[dict]:
    checks = list(checks_of_trust(trust, opened_on_or_before=generated_on))
    actions = actions_of_checks(check.pk for check in checks) if not public else {}
    rows = []
    for check in checks:
        completed_on = clock.london(check.completed_at).date() if check.completed_at else None
        status = check_status_on(due_on=check.due_on, completed_on=completed_on, on=generated_on)
        row = {
            "site_code": check.site.code,
            "signalled_on": check.opened_on.isoformat(),
            "due_on": check.due_on.isoformat(),
            "completed_on": completed_on.isoformat() if completed_on and completed_on <= generated_on else None,
            "status": status,
            "status_words": _check_words(status, due_on=check.due_on, completed_on=completed_on),
        }
        if not public:
            row["reference"] = check.reference
            row["actions"] = [
                {
                    "description": without_identifiers(action.description),
                    "due_on": action.due_on.isoformat(),
                    "done": _done_on(action, generated_on),
                }
                for action in actions.get(check.pk, [])
                if clock.london(action.recorded_at).date() <= generated_on
            ]
        rows.append(row)
    return rows
