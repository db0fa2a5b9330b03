"""The national signals page: per monitored site, its latest level and its level-1/2 months
(docs/rules/surveillance.md §1.3).

Aggregate statistics, shown to every signed-in user (not scoped).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from perinatal.organisations.models import Organisation, Site
from perinatal.stats.months import YearMonth
from perinatal.surveillance.models import MossRun, SiteMonthResult


@dataclass(frozen=True)
class SiteSignalSummary:
    """One site on the national signals page (aggregate: shown to every signed-in user)."""

    site: Site
    trust: Organisation
    latest_month: date
    latest_level: int
    latest_cusum: float
    level1_months_6: int
    level2_months_6: int
    level1_months_12: int
    level2_months_12: int

    @property
    def in_signal(self) -> bool:
        return self.latest_level > 0

    @property
    def signalled_in_12_months(self) -> bool:
        return bool(self.level1_months_12 or self.level2_months_12)


def site_signal_summaries(run: MossRun) -> list[SiteSignalSummary]:
    """Per monitored site: the latest month's level and the level-1/2 months in the last 6 and 12
    (docs/rules/surveillance.md §1.3).

    The windows are the run's latest evaluated month and the 5 / 11 months before it.
    """
    if run.latest_month is None:
        return []
    latest = YearMonth.of(run.latest_month)
    first_6 = latest.shifted(-5).first_day
    first_12 = latest.shifted(-11).first_day
    rows = (
        SiteMonthResult.objects.filter(run=run, month__gte=first_12)
        .select_related("site", "trust")
        .order_by("site__code", "month")
    )
    by_site: dict[int, list[SiteMonthResult]] = defaultdict(list)
    for row in rows:
        by_site[row.site_id].append(row)
    summaries = []
    for site_rows in by_site.values():
        last = site_rows[-1]
        recent = [row for row in site_rows if row.month >= first_6]
        summaries.append(
            SiteSignalSummary(
                site=last.site,
                trust=last.trust,
                latest_month=last.month,
                latest_level=last.level if last.month == run.latest_month else 0,
                latest_cusum=last.cusum,
                level1_months_6=sum(1 for row in recent if row.level == 1),
                level2_months_6=sum(1 for row in recent if row.level == 2),
                level1_months_12=sum(1 for row in site_rows if row.level == 1),
                level2_months_12=sum(1 for row in site_rows if row.level == 2),
            )
        )
    return sorted(
        summaries,
        key=lambda s: (
            -s.latest_level,
            -(s.level2_months_6 + s.level1_months_6),
            -(s.level2_months_12 + s.level1_months_12),
            s.site.code,
        ),
    )
