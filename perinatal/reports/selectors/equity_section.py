"""The equity part of a board report (docs/rules/board_report.md §1.7): the equity breakdowns'
own rows for the trust over the 12 months ending with the month (docs/rules/equity.md §1; their
public rows in the public edition, docs/rules/equity.md §2) and the trust's place in the equity
programme (docs/rules/equity.md §3)."""

from __future__ import annotations

from perinatal.dashboard.engine import OrganisationMap
from perinatal.dashboard.exports import row_json
from perinatal.dashboard.metrics.intervals import UNIT_PER_1000
from perinatal.dashboard.metrics.rows import LEVEL_TRUST
from perinatal.dashboard.pages.wording import format_interval, format_value
from perinatal.equity.breakdowns.rows import DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE, OUTPUT_COLUMNS
from perinatal.equity.programme.selectors import programme_progress_for_trust
from perinatal.equity.selectors import equity_rows
from perinatal.organisations.models import Organisation
from perinatal.reports.rules import ReportMonth

METRIC_TITLES = {
    "stillbirth_rate": "Stillbirth rate",
    "neonatal_mortality_rate": "Neonatal mortality rate",
    "pph_1500_rate": "Postpartum haemorrhage of 1,500 ml or more",
}


def _ratio(value) -> str:
    return "" if value is None else f"{value}"


def _rows(
    *, trust: Organisation, month: ReportMonth, by: str, public: bool, orgs: OrganisationMap | None
) -> list[dict]:
    rows = equity_rows(
        date_from=month.twelve_months_start,
        date_to=month.last_day,
        by=(by,),
        levels=(LEVEL_TRUST,),
        organisation=(LEVEL_TRUST, trust.code),
        public=public,
        organisations=orgs,
    )
    shown = []
    for row in rows:
        group = getattr(row, by)
        shown.append(
            {
                **row_json(row, OUTPUT_COLUMNS),
                "title": METRIC_TITLES.get(row.metric_id, row.metric_id),
                "group": "All (total)"
                if group == "All"
                else (f"Quintile {group}" if by == DIMENSION_IMD_QUINTILE and group.isdigit() else group),
                "value_text": format_value(row.value, unit=UNIT_PER_1000),
                "interval_text": format_interval(row.lower_95, row.upper_95, unit=UNIT_PER_1000),
                "rate_ratio_text": _ratio(row.rate_ratio),
            }
        )
    return shown


def equity_part(*, trust: Organisation, month: ReportMonth, public: bool, orgs: OrganisationMap | None = None) -> dict:
    progress = programme_progress_for_trust(trust, on=month.last_day)
    return {
        "from": month.twelve_months_start.isoformat(),
        "to": month.last_day.isoformat(),
        "by_ethnic_group": _rows(trust=trust, month=month, by=DIMENSION_ETHNIC_GROUP, public=public, orgs=orgs),
        "by_imd_quintile": _rows(trust=trust, month=month, by=DIMENSION_IMD_QUINTILE, public=public, orgs=orgs),
        "programme": [
            {
                "site_code": site.site_code,
                "site_name": site.site_name,
                "intake": site.intake_name
                or (f"Intake {site.intake_number}" if site.intake_number else "Not allocated"),
                "intake_start": site.intake_start.isoformat() if site.intake_start else None,
                "status": site.status.label,
                "team_complete": site.team_complete,
                "executive_backing": site.executive_backing,
                "elements_done": site.elements_done,
                "elements_total": len(site.elements),
            }
            for site in progress.sites
        ],
    }
