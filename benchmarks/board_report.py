"""Board report benchmark (issue 11): generating one trust's monthly board report on the demo
data, beside that trust's dashboard page in the same run (target: under 2 s to generate;
docs/rules/board_report.md §2).

The demo data are what `make run` serves (`perinatal setup --demo`: every trust's births for
three years, the outcome signals, notifications, equity programme, improvement cases and board
reports). They are read from DATABASE_URL when its database holds the demo trust; otherwise
from a demo database this benchmark makes once with `perinatal setup --demo` and keeps
(var/bench-demo.sqlite3, about 10 minutes the first time; BENCH_DEMO_DATABASE_URL names
another). The timing runs in a process of its own on that database, and everything it writes
is rolled back.

For the demo trust (R0A) and the latest whole month of the data, each timed the first time
with the dashboard's tally cache empty (every count made in SQL, as after an import) and then
RUNS more times (p50 and p95):

- baseline: the trust's dashboard page, as a signed-in user gets it;
- generating the report: both editions' documents from live data (every figure: metrics,
  signals and safety checks, notifications, equity, improvement) and their HTML files: what
  submitting a report keeps and the draft page, the JSON and the HTML file show;
- the draft report page, as the trust's Head of Midwifery gets it;
- the PDF of one edition (WeasyPrint) and approval (both editions frozen as HTML, PDF and JSON),
  fewer times: the PDF is written from the generated HTML, not part of generating it.

Run alone: `python -m benchmarks.run board_report`.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._figures import percentile

REPO = Path(__file__).resolve().parents[1]
DEMO_DATABASE = REPO / "var" / "bench-demo.sqlite3"
TRUST = "R0A"
HEAD_OF_MIDWIFERY = "hom.r0a@perinatal.example"
EXECUTIVE_LEAD = "exec.r0a@perinatal.example"
RUNS = 10
PDF_RUNS = 3
TARGET_SECONDS = 2.0


def _holds_demo_trust() -> bool:
    """The database holds the demo: the demo trust's births and its Head of Midwifery (the
    dashboard benchmark's national data have births but no demo users)."""
    from django.db import connection

    from perinatal.accounts.models import User
    from perinatal.dashboard.models import BirthRecord

    tables = connection.introspection.table_names()
    return (
        BirthRecord._meta.db_table in tables
        and BirthRecord.objects.filter(trust__code=TRUST).exists()
        and User.objects.filter(email=HEAD_OF_MIDWIFERY).exists()
    )


def _demo_database_url() -> str:
    """DATABASE_URL when it holds the demo trust's births (after `make run`), else the kept demo
    database, made first when there is none."""
    if _holds_demo_trust():
        return os.environ.get("DATABASE_URL", f"sqlite:///{REPO / 'var' / 'perinatal.sqlite3'}")
    url = os.environ.get("BENCH_DEMO_DATABASE_URL", f"sqlite:///{DEMO_DATABASE}")
    ready = Path(str(DEMO_DATABASE) + ".ready")
    if url == f"sqlite:///{DEMO_DATABASE}" and not ready.exists():
        print(f"  (making the demo database {DEMO_DATABASE.name} with `perinatal setup --demo`)", flush=True)
        DEMO_DATABASE.unlink(missing_ok=True)
        started = time.perf_counter()
        made = subprocess.run(
            [sys.executable, "-m", "perinatal.cli", "setup", "--demo"],
            env={**os.environ, "DATABASE_URL": url},
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        if made.returncode != 0:
            raise RuntimeError(f"perinatal setup --demo failed:\n{made.stderr[-3000:]}")
        ready.touch()
        print(f"  (demo database made in {time.perf_counter() - started:.0f} s)", flush=True)
    return url


def run(*, report) -> None:
    url = _demo_database_url()
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.board_report"],
        env={**os.environ, "DATABASE_URL": url},
        cwd=REPO,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    detail = f"{result['trust']} {result['month']}, demo data: {result['births']:,} births, {result['vendor']}"
    for name, seconds in result["figures"]:
        report(name, seconds, detail)
    generation = dict(result["figures"])[f"generating the report, p95 of {RUNS}"]
    verdict = "within" if generation < TARGET_SECONDS else "OVER"
    print(f"  generating one trust's report: p95 {generation:.3f} s, {verdict} the {TARGET_SECONDS:.0f} s target")


# --- the timing process ------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def _client_for(email: str):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from perinatal.accounts.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.create(user=user, name="board report benchmark", confirmed=True)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def _timed(work, runs: int) -> tuple[float, list[float]]:
    """Seconds of the first call with the tally cache empty, then of `runs` more."""
    from perinatal.dashboard.models import TallyCache

    TallyCache.objects.all().delete()
    times = []
    for _ in range(runs + 1):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return times[0], times[1:]


def _page(client, path: str):
    def get() -> None:
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")

    return get


def generate_report(*, trust, month, report=None) -> list[str]:
    """Generating the report: both editions' documents from live data and their HTML files."""
    from perinatal.core import clock
    from perinatal.reports.rendering import document_html
    from perinatal.reports.selectors.document import build_document

    return [
        document_html(
            build_document(trust=trust, month=month, generated_on=clock.today(), public=public, report=report)
        )
        for public in (False, True)
    ]


def _measure() -> dict:
    from django.db import connection, transaction

    from perinatal.dashboard.models import BirthRecord
    from perinatal.dashboard.pages.reporting_periods import latest_whole_month
    from perinatal.dashboard.selectors.births import data_span
    from perinatal.organisations.selectors import get_trust
    from perinatal.reports.rendering import pdf_from_html
    from perinatal.reports.rules import ReportMonth
    from perinatal.reports.selectors.state import report_for
    from perinatal.reports.services.drafts import open_report
    from perinatal.reports.services.workflow import approve, submit

    trust = get_trust(TRUST)
    month = ReportMonth.of(latest_whole_month(data_span()).start)
    figures: list[tuple[str, float]] = []

    def add(name: str, first: float, times: list[float]) -> None:
        figures.append((f"{name}, first (counts made in SQL)", first))
        figures.append((f"{name}, p50 of {len(times)}", statistics.median(times)))
        figures.append((f"{name}, p95 of {len(times)}", percentile(times, 0.95)))

    try:
        with transaction.atomic():
            author = _client_for(HEAD_OF_MIDWIFERY)
            report = report_for(trust, month) or open_report(trust=trust, month=month)[0]
            add("trust dashboard page (baseline)", *_timed(_page(author, f"/dashboard/trusts/{TRUST}/"), RUNS))

            def generate() -> list[str]:
                return generate_report(trust=trust, month=month, report=report)

            add("generating the report", *_timed(generate, RUNS))
            add("draft report page", *_timed(_page(author, f"/board-reports/{TRUST}/{month}/"), RUNS))
            html = generate()[0]
            pdfs = []
            for _ in range(PDF_RUNS):
                started = time.perf_counter()
                pdf_from_html(html)
                pdfs.append(time.perf_counter() - started)
            figures.append((f"PDF of one edition from its HTML, p50 of {PDF_RUNS}", statistics.median(pdfs)))
            from perinatal.accounts.models import User
            from perinatal.reports.models import Status
            from perinatal.reports.selectors.state import current_version, status_of

            if status_of(current_version(report)) in (Status.DRAFT, Status.RETURNED):
                by = User.objects.get(email=HEAD_OF_MIDWIFERY)
                started = time.perf_counter()
                submit(report=report, by=by)
                figures.append(("submitting (both editions generated and kept)", time.perf_counter() - started))
                started = time.perf_counter()
                approve(report=report, by=User.objects.get(email=EXECUTIVE_LEAD))
                figures.append(("approving (both editions frozen: HTML, PDF, JSON)", time.perf_counter() - started))
            raise _Rollback
    except _Rollback:
        pass
    return {
        "trust": TRUST,
        "month": str(month),
        "births": BirthRecord.objects.count(),
        "vendor": connection.vendor,
        "figures": figures,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perinatal.settings")
    import django

    django.setup()
    print(json.dumps(_measure()))
