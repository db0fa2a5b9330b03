"""Outcome surveillance benchmark: MOSS for every site over 5 years of national demo data, and
SPC for every metric × organisation (issue 5, item 5).

1. Generates the national demo data (5 calendar years to the end of last month, seed 1) with
   the dashboard's generator, and counts term births and MOSS events per site and month from
   births.csv (docs/rules/surveillance.md §1.1).
2. Times MOSS for every site (`perinatal.surveillance.calculation.calculate`: denominators,
   national reference rates, the thresholds of every site-year — Hawkins' design, cold and
   with its cache warm — and every site's CUSUM), and the daily excess-events series of
   every site.
3. Times a Making Data Count XmR chart for every metric of the dashboard (all 19 metrics and
   sub-measures) × every organisation (England, regions, ICBs, trusts providing births): the
   stillbirth and neonatal mortality series are the demo data's own monthly rates, the
   others are seeded random series of the metric's length (fortnightly: 5 years of
   fortnights; outcome: monthly; survey: yearly), since only the chart's cost is measured.
4. When a database holds births (DATABASE_URL's after `make run`, else the national data the
   dashboard benchmark kept: benchmarks.national_data), also times the platform's own path:
   the one SQL aggregate query over the births records, and storing a MOSS run (in a
   transaction that is rolled back).
"""

from __future__ import annotations

import csv
import random
import tempfile
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

DEMO_YEARS = 5
DEMO_SEED = 1
SPC_SEED = 5


def _timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def _read_births(path: Path):
    """Per site and month: term births and MOSS events; per trust and month: births, stillbirths, live births, NNDs."""
    from perinatal.stats.months import YearMonth
    from perinatal.surveillance.calculation import SiteMonthCounts

    sites: dict[tuple[str, YearMonth], list[int]] = defaultdict(lambda: [0, 0, 0])
    trusts: dict[tuple[str, YearMonth], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    daily: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            born_on = date.fromisoformat(row["born_on"])
            month = YearMonth(born_on.year, born_on.month)
            stillbirth = row["outcome"] == "stillbirth"
            died = bool(row["neonatal_death_on"]) and not stillbirth
            termination = row["termination"] == "1"
            gestation = int(row["gestation_days"]) if row["gestation_days"] else None
            tally = trusts[(row["trust_code"], month)]
            if not termination and gestation is not None and gestation >= 168:
                tally[0] += 1
                tally[1] += stillbirth
                tally[2] += not stillbirth
                tally[3] += died and (date.fromisoformat(row["neonatal_death_on"]) - born_on).days <= 27
            if termination or gestation is None or gestation < 259:
                continue
            counts = sites[(row["site_code"], month)]
            counts[0] += 1
            counts[1] += stillbirth
            nnd = died and (date.fromisoformat(row["neonatal_death_on"]) - born_on).days <= 27
            counts[2] += nnd
            if stillbirth or nnd:
                daily[row["site_code"]][born_on] += 1
    counts = [SiteMonthCounts(site, month, *values) for (site, month), values in sorted(sites.items())]
    return counts, trusts, daily


def _organisations(trust_rows):
    """trust -> (ICB, region) from the reference file; the organisations SPC is run for."""
    parents = {
        row["org_code"]: (row["icb_ods_code_2026"] or row["icb_ods_code_42"], row["nhser_ods_code"])
        for row in trust_rows
        if row["provides_births_evidence"] == "True"
    }
    organisations = {"england": set(parents)}
    for trust, (icb, region) in parents.items():
        organisations.setdefault(f"trust:{trust}", set()).add(trust)
        organisations.setdefault(f"icb:{icb}", set()).add(trust)
        organisations.setdefault(f"region:{region}", set()).add(trust)
    return organisations


def _series_for(metric, members, months, trusts, rng):
    from perinatal.stats.spc import SpcPoint

    if metric.id in ("stillbirth_rate", "neonatal_mortality_rate"):
        points = []
        for month in months:
            births = stillbirths = live = deaths = 0
            for trust in members:
                tally = trusts.get((trust, month))
                if tally:
                    births, stillbirths, live, deaths = (
                        births + tally[0],
                        stillbirths + tally[1],
                        live + tally[2],
                        deaths + tally[3],
                    )
            if metric.id == "stillbirth_rate" and births:
                points.append(SpcPoint(date=month.first_day, value=1000 * stillbirths / births))
            elif metric.id == "neonatal_mortality_rate" and live:
                points.append(SpcPoint(date=month.first_day, value=1000 * deaths / live))
        return points
    if metric.period_kind == "fortnight":
        start, count, step = months[0].first_day, len(months) * 13 // 6, timedelta(days=14)
        dates = [start + step * index for index in range(count)]
    elif metric.period_kind == "survey":
        dates = sorted({date(month.year, 1, 1) for month in months})
    else:
        dates = [month.first_day for month in months]
    level = rng.uniform(5, 60)
    return [SpcPoint(date=day, value=max(0.0, rng.gauss(level, level / 8))) for day in dates]


def run(*, report) -> None:
    from perinatal.dashboard.metrics import METRICS
    from perinatal.demo import generator
    from perinatal.demo.organisations import demo_end_date
    from perinatal.organisations.sites import trust_reference_rows
    from perinatal.stats import moss_design
    from perinatal.stats.moss import MonthRate, excess_events
    from perinatal.stats.spc import xmr_chart
    from perinatal.surveillance.calculation import calculate

    end = demo_end_date()
    trust_rows = trust_reference_rows()
    with tempfile.TemporaryDirectory(prefix="perinatal-bench-") as folder:
        summary, seconds = _timed(
            lambda: generator.generate(
                years=DEMO_YEARS, end=end, seed=DEMO_SEED, out_dir=Path(folder), trusts_rows=trust_rows
            )
        )
        report(
            "generate national demo data (set-up)",
            seconds,
            f"{summary.period.start}–{summary.period.end}, "
            f"{summary.rows['births']:,} births, {len(summary.sites)} sites",
        )
        (counts, trusts, daily), seconds = _timed(lambda: _read_births(Path(folder) / "births.csv"))
        report("count term births and events per site-month (set-up)", seconds, f"{len(counts):,} site-months")

    moss_design.moss_thresholds.cache_clear()
    calculation, seconds = _timed(lambda: calculate(counts))
    run_ = calculation.run
    signals = sum(1 for row in run_.rows if row.level)
    site_years = len(run_.thresholds)
    report(
        "MOSS, every site, 5 years (design cache cold)",
        seconds,
        f"{len({r.site_code for r in run_.rows})} sites, {len(run_.rows):,} site-months, "
        f"{site_years} site-years designed, {signals} signal months, {len(run_.skipped)} site-years skipped",
    )
    _, seconds = _timed(lambda: calculate(counts))
    report(
        "MOSS, every site, 5 years (design cache warm)", seconds, "the nightly run's case: the same site-years again"
    )

    def all_excess():
        total = 0
        by_site = defaultdict(list)
        for row in run_.rows:
            by_site[row.site_code].append(
                MonthRate(
                    month=row.month,
                    denominator=calculation.denominator(site_code=row.site_code, year=row.month.year),
                    reference_rate=calculation.reference_rate(site_code=row.site_code, year=row.month.year),
                )
            )
        for site, months in by_site.items():
            total += len(excess_events(months=months, daily_events=daily.get(site, {})))
        return total

    days, seconds = _timed(all_excess)
    report("excess events, every site, daily", seconds, f"{days:,} site-days")

    organisations = _organisations(trust_rows)
    months = sorted({row.month for row in counts})
    rng = random.Random(SPC_SEED)
    series = [
        (metric, organisation, _series_for(metric, members, months, trusts, rng))
        for metric in METRICS
        for organisation, members in organisations.items()
    ]
    series = [item for item in series if len(item[2]) >= 2]

    def all_charts():
        special = 0
        for metric, _organisation, points in series:
            improvement = "decrease" if metric.direction == "lower" else "increase"
            chart = xmr_chart(points=points, improvement=improvement)
            special += sum(1 for point in chart.points if point.special_cause != "common_cause")
        return special

    special, seconds = _timed(all_charts)
    report(
        "SPC, every metric × organisation",
        seconds,
        f"{len(METRICS)} metrics × {len(organisations)} organisations = {len(series):,} charts, "
        f"{sum(len(points) for _, _, points in series):,} points, {special:,} special-cause points",
    )

    _platform(report)


def _platform(report) -> None:
    from django.db import transaction
    from django.db.utils import DatabaseError

    from benchmarks.national_data import use_national_database
    from perinatal.dashboard.models import BirthRecord
    from perinatal.surveillance.selectors.births import term_monthly_counts
    from perinatal.surveillance.services.runs import _store_moss_run

    try:
        births = BirthRecord.objects.count() if use_national_database() else 0
    except DatabaseError as error:
        report("platform MOSS (skipped)", 0.0, f"no database: {type(error).__name__}")
        return
    if not births:
        report(
            "platform MOSS (skipped)", 0.0, "no database holds births: run `make run` or the dashboard benchmark first"
        )
        return
    counts, seconds = _timed(term_monthly_counts)
    report("platform: SQL aggregate of the births records", seconds, f"{births:,} births → {len(counts):,} site-months")
    with transaction.atomic():
        from perinatal.surveillance import models

        # Start from no MOSS state, so that the run stores everything (all rolled back below).
        for model in (
            models.ContactNotice,
            models.SignalStatusRecord,
            models.Signal,
            models.SafetyCheckFinding,
            models.SafetyCheckActionUpdate,
            models.SafetyCheckAction,
            models.SafetyCheckStatusRecord,
            models.CriticalSafetyCheck,
            models.SiteMonthResult,
            models.MossRun,
        ):
            model.objects.all().delete()
        MossRun = models.MossRun
        outcome, seconds = _timed(lambda: _store_moss_run(trigger=MossRun.Trigger.COMMAND))
        transaction.set_rollback(True)
    report(
        "platform: a whole MOSS run, stored (rolled back)",
        seconds,
        f"{outcome.run.site_months:,} results, {outcome.run.new_signals} signals, {len(outcome.checks_opened)} checks",
    )
