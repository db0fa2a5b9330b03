"""Pages benchmark: p50 and p95 of the dashboard's national page and a trust page (issue 4,
item 6), of a site's outcome signals page with its MOSS CUSUM chart (issue 12: target under
500 ms p95), as a signed-in user gets them (the whole request: sign-in checks, the engine or
MOSS results, charts and template); beside them, generating that trust's board report document
for the latest whole month (issue 11: under 2 s; docs/rules/board_report.md §1).

Runs against the database named by DATABASE_URL when it holds births (after `make run`);
otherwise against the national data the dashboard benchmark kept on the same PostgreSQL
server (so `make bench` needs no set-up); with neither, it says so and reports nothing.
The trust is the one with the most births, the site the one with the most births of that
trust. When the database holds no MOSS run (the dashboard benchmark's keeps none), one is
stored first, as the nightly run would. Everything it writes (a benchmark user, the engine's
tally cache, a MOSS run) is rolled back at the end.

For each page, two figures in the same run (issue 13: p95 under 300 ms, first view included):
- the baseline: the first view with nothing kept (the engine's tally cache and the pages'
  shared cache emptied): what the first viewer after an import waited before the warm-up;
- then, with both emptied again, the warm-up the worker runs after every import
  (`warm_up_task`: every region's, ICB's and trust's page, timed once as background work),
  and then the first view and VIEWS further views, whose p50 and p95 are reported with the
  first view among them.
The views are made in this process through Django's test client (the whole request from
the middleware on, without the HTTP server: benchmarks/notifications.py and `make load`
measure gunicorn itself).
"""

from __future__ import annotations

import statistics
import time

from benchmarks._figures import percentile
from benchmarks.national_data import use_national_database

VIEWS = 20
TARGET_P95_SECONDS = 0.300
BENCH_EMAIL = "dashboard-pages-benchmark@perinatal.example"


class _Rollback(Exception):
    pass


def _signed_in_client():
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from perinatal.accounts.roles import Role
    from perinatal.accounts.services import get_or_create_user, grant_membership
    from perinatal.organisations.models import ENGLAND_CODE, Organisation

    user, _ = get_or_create_user(email=BENCH_EMAIL, full_name="Dashboard benchmark")
    grant_membership(
        user=user,
        organisation=Organisation.objects.get(code=ENGLAND_CODE),
        role=Role.IMPROVEMENT_SUPPORT,
        granted_by=None,
    )
    device = TOTPDevice.objects.create(user=user, name="benchmark", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _store_moss_run_if_none() -> None:
    from perinatal.surveillance.models import MossRun
    from perinatal.surveillance.services.runs import _store_moss_run

    if not MossRun.objects.exists():
        started = time.perf_counter()
        _store_moss_run(trigger=MossRun.Trigger.COMMAND)
        print(f"  (stored a MOSS run for the site page in {time.perf_counter() - started:.1f} s)", flush=True)


def _weight(client, url: str) -> str:
    """The page's HTML in KB, and as sent to a browser that accepts gzip (issue 12: 940 KB)."""
    plain = client.get(url).content
    packed = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
    return f"{len(plain) / 1024:.0f} KB of HTML, {len(packed) / 1024:.0f} KB gzip"


def _empty_caches() -> None:
    from perinatal.dashboard.models import TallyCache
    from perinatal.dashboard.selectors.row_cache import page_cache

    TallyCache.objects.all().delete()
    page_cache().clear()


def _first_view(client, url: str) -> float:
    started = time.perf_counter()
    response = client.get(url)
    seconds = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return seconds


def _time_pages(client, pages: dict[str, str]) -> tuple[dict[str, float], float, dict[str, list[float]]]:
    """(each page's first view with nothing kept, the warm-up's seconds, each page's views after
    the warm-up with the first one first)."""
    from perinatal.dashboard.pages.tasks import warm_up_task

    cold = {}
    for name, url in pages.items():
        _empty_caches()
        cold[name] = _first_view(client, url)
    _empty_caches()
    started = time.perf_counter()
    warm_up_task.call()
    warm_up = time.perf_counter() - started
    views = {}
    for name, url in pages.items():
        views[name] = [_first_view(client, url)]
        for _ in range(VIEWS):
            started = time.perf_counter()
            client.get(url)
            views[name].append(time.perf_counter() - started)
    return cold, warm_up, views


def run(*, report) -> None:
    from django.db import connection, transaction
    from django.db.models import Count

    from perinatal.dashboard.models import BirthRecord

    if not use_national_database():
        print("  skipped: the database has no births (run `make run`, or the dashboard benchmark, first)")
        return
    busiest = BirthRecord.objects.values("trust__code").annotate(births=Count("id")).order_by("-births").first()
    if busiest is None:
        print("  skipped: the database has no births (run `make run`, or the dashboard benchmark, first)")
        return
    births = BirthRecord.objects.count()
    trust = busiest["trust__code"]
    site = (
        BirthRecord.objects.filter(trust__code=trust, site__isnull=False)
        .values("site__code")
        .annotate(births=Count("id"))
        .order_by("-births")
        .first()["site__code"]
    )
    pages = {
        "national page": "/dashboard/",
        f"trust page ({trust})": f"/dashboard/trusts/{trust}/",
        f"site CUSUM page ({site})": f"/signals/sites/{site}/",
    }
    weights = {}
    try:
        with transaction.atomic():
            _store_moss_run_if_none()
            client = _signed_in_client()
            cold, warm_up, views = _time_pages(client, pages)
            for name, url in pages.items():
                weights[name] = _weight(client, url)
            raise _Rollback
    except _Rollback:
        pass
    report_times = _board_report(trust)
    detail = f"{births:,} births, {connection.vendor}"
    report("warm-up after an import (background: every page built)", warm_up, detail)
    for name, times in views.items():
        report(f"{name}, baseline: first view with nothing kept", cold[name], detail)
        report(f"{name}, first view after the warm-up", times[0], detail)
        report(f"{name}, p50 of {len(times)} views, first included", statistics.median(times), detail)
        p95 = percentile(times, 0.95)
        met = "met" if p95 < TARGET_P95_SECONDS else "NOT met"
        report(f"{name}, p95 of {len(times)} views, first included", p95, f"{detail}; target < 0.3 s {met}")
        print(f"  {name}: {weights[name]}", flush=True)
    if report_times:
        label, first, runs = report_times
        report(f"generating the board report ({trust}, {label}), first", first, detail)
        report(f"generating the board report ({trust}, {label}), p95 of {REPORT_RUNS}", percentile(runs, 0.95), detail)


REPORT_RUNS = 5


def _board_report(trust_code: str):
    """Seconds to generate the trust's board report for the latest whole month of the data, as
    benchmarks/board_report.py times it on the demo data (both editions' documents and HTML,
    no PDF): the first time, then REPORT_RUNS more."""
    from benchmarks.board_report import generate_report
    from perinatal.dashboard.pages.reporting_periods import latest_whole_month
    from perinatal.dashboard.selectors.births import data_span
    from perinatal.organisations.selectors import get_trust
    from perinatal.reports.rules import ReportMonth

    span = data_span()
    period = latest_whole_month(span) if span else None
    if period is None:
        return None
    trust = get_trust(trust_code)
    month = ReportMonth.of(period.start)

    def once() -> float:
        started = time.perf_counter()
        generate_report(trust=trust, month=month)
        return time.perf_counter() - started

    first = once()
    return str(month), first, [once() for _ in range(REPORT_RUNS)]
