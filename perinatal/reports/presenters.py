"""A report document shaped for its pages and its PDF: the charts drawn from the document's own
rows (the dashboard's SPC chart of each metric, each site's MOSS CUSUM), each with its table
(docs/rules/board_report.md §1.3, §1.4, §2). The figures are the document's: nothing is
counted again, so the screen, the HTML file and the PDF show the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from perinatal.charts import Chart
from perinatal.charts.cusum import moss_cusum_chart
from perinatal.core.formatting import long_date
from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.dashboard.pages.series import MetricSeries, series_charts
from perinatal.stats.months import YearMonth
from perinatal.stats.moss import MossRow

STATUS_TAGS = {
    "completed_on_time": "nhsuk-tag--green",
    "completed_late": "nhsuk-tag--orange",
    "open": "nhsuk-tag--blue",
    "overdue": "nhsuk-tag--red",
}


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def row_from_json(cells: dict) -> MetricRow:
    """A docs/rules/dashboard.md §4 row back from the document's JSON."""
    return MetricRow(
        metric_id=cells["metric_id"],
        org_level=cells["org_level"],
        org_code=cells["org_code"],
        org_name=cells["org_name"],
        period_start=date.fromisoformat(cells["period_start"]),
        period_end=date.fromisoformat(cells["period_end"]),
        numerator=cells["numerator"],
        denominator=cells["denominator"],
        value=_decimal(cells["value"]),
        lower_95=_decimal(cells["lower_95"]),
        upper_95=_decimal(cells["upper_95"]),
        suppressed=cells["suppressed"],
        provisional=cells["provisional"],
    )


@dataclass(frozen=True)
class MetricCharts:
    metric: dict
    spc: Chart | None
    spc_missing: str | None


@dataclass(frozen=True)
class SiteChart:
    site: dict
    cusum: Chart | None


def _yes_no(value) -> str:
    return "Not recorded" if value is None else ("Yes" if value else "No")


IMPROVEMENT_LABELS = (
    ("case_id", "Case"),
    ("stage", "Stage"),
    ("identified_on", "Concern identified on"),
    ("diagnostic", "Diagnostic"),
    ("plan_version", "Improvement plan version in force"),
    ("actions", "Actions in the plan"),
    ("actions_completed", "Actions completed"),
    ("actions_overdue", "Actions overdue"),
    ("executive_meetings_missed", "Monthly executive meetings missed"),
    ("quarterly_reviews_missed", "Quarterly improvement reviews missed"),
    ("latest_review_outcome", "Latest quarterly review"),
    ("escalation_level", "Escalation level"),
    ("exited_on", "Exited on"),
)


@dataclass(frozen=True)
class ReportView:
    """A document with its charts and its tables' rows as text, for `reports/_body.jinja`."""

    doc: dict
    metrics: tuple[MetricCharts, ...]
    sites: tuple[SiteChart, ...]
    status_tags: dict

    @property
    def public(self) -> bool:
        return self.doc["edition"] == "public"

    @staticmethod
    def date(iso: str | None) -> str:
        return long_date(date.fromisoformat(iso)) if iso else ""

    @property
    def change_rows(self) -> list[tuple[str, ...]]:
        return [(c["part"], c["figure"], c["before"], c["after"]) for c in self.doc.get("changes") or []]

    @property
    def site_rows(self) -> list[tuple[str, ...]]:
        rows = []
        for entry in self.sites:
            site = entry.site
            months = ", ".join(f"{m['label']} ({m['level']})" for m in site["signal_months"]) or "None"
            level = str(site["level"]) if site["evaluated"] else "0 (month not evaluated)"
            rows.append((f"{site['site_name']} ({site['site_code']})", level, months))
        return rows

    @property
    def check_rows(self) -> list[tuple[str, ...]]:
        return [
            (check["site_code"], self.date(check["signalled_on"]), self.date(check["due_on"]), check["status_words"])
            for check in self.doc["safety_checks"]
        ]

    @property
    def metric_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                m["title"],
                m["period"] or "No data",
                m["value"],
                m["interval"] or "–",
                m["twelve_months_value"] or "–",
                m["england_value"],
                m["funnel_position"] or "–",
                m["variation"] or "–",
            )
            for m in (entry.metric for entry in self.metrics)
        ]

    @property
    def type_rows(self) -> list[tuple[str, ...]]:
        return [(row["type"], str(row["count"])) for row in self.doc["notifications"]["by_type"]]

    @property
    def body_rows(self) -> list[tuple[str, ...]]:
        return [
            (row["name"], str(row["sent"]), str(row["late"]), str(row["open_questions"]))
            for row in self.doc["notifications"]["bodies"]
        ]

    def equity_rows(self, key: str) -> list[tuple[str, ...]]:
        return [
            (
                f"{row['title']}: {row['group']}",
                str(row["numerator"]),
                str(row["denominator"]),
                row["value_text"],
                row["interval_text"] or "–",
                row["rate_ratio_text"] or "–",
            )
            for row in self.doc["equity"][key]
        ]

    @property
    def programme_rows(self) -> list[tuple[str, ...]]:
        return [
            (
                f"{site['site_name']} ({site['site_code']})",
                site["intake"],
                site["status"],
                _yes_no(site["team_complete"]),
                f"{site['elements_done']} of {site['elements_total']}",
            )
            for site in self.doc["equity"]["programme"]
        ]

    @property
    def risk_rows(self) -> list[tuple[str, ...]]:
        return [(risk["risk"], str(risk["score"])) for risk in self.doc["risks"]["risks"]]

    @property
    def improvement_rows(self) -> list[tuple[str, str]]:
        case = self.doc["improvement"] or {}
        rows = []
        for key, label in IMPROVEMENT_LABELS:
            value = case.get(key)
            if key in ("identified_on", "exited_on"):
                value = self.date(value) if value else ("Not exited" if key == "exited_on" else "")
            elif value is None or value == "":
                value = "None"
            rows.append((label, str(value)))
        return rows


def report_view(doc: dict, *, id_prefix: str = "report-") -> ReportView:
    denominator = doc["metrics"].get("stillbirth_denominator")
    definitions = {d.id: d for d in metric_definitions(stillbirth_denominator=denominator)}
    metrics = []
    for metric in doc["dashboard"]["metrics"]:
        definition = definitions[metric["metric_id"]]
        rows = tuple(row_from_json(cells) for cells in metric["series"])
        charts = series_charts(
            MetricSeries(definition, rows, frozenset()),
            subject=doc["trust"]["name"],
            stillbirth_denominator=denominator,
            id_prefix=id_prefix,
        )
        metrics.append(MetricCharts(metric, charts.spc, charts.spc_missing))
    sites = []
    for site in doc["signals"]["sites"]:
        chart = None
        if site.get("moss_rows"):
            rows = [
                MossRow(
                    site_code=site["site_code"],
                    month=YearMonth.parse(row["month"]),
                    events=row["events"],
                    expected=float(row["expected"]),
                    k=float(row["k"]),
                    h1=float(row["h1"]),
                    h2=float(row["h2"]),
                    cusum=float(row["cusum"]),
                    level=row["level"],
                    reset=row["reset"],
                )
                for row in site["moss_rows"]
            ]
            chart = moss_cusum_chart(
                rows=rows,
                subject=f"{site['site_name']} ({site['site_code']})",
                chart_id=f"{id_prefix}cusum-{site['site_code']}",
            )
        sites.append(SiteChart(site, chart))
    return ReportView(doc=doc, metrics=tuple(metrics), sites=tuple(sites), status_tags=STATUS_TAGS)
