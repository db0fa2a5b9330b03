"""Dashboard data benchmark (issue 4, item 6), each figure beside its baseline.

1. Generate 3 calendar years of national demo data (~1.7 million births).
2. Import the six files into a fresh PostgreSQL database with `perinatal import` (every
   check, staging, COPY, upsert): time and peak memory (the importing processes' peak RSS,
   from os.wait4), beside a plain `psql \\copy` of the same files into untyped-constraint
   tables in the same run.
3. Compute all 8 metrics and their sub-measures for every organisation for the last whole
   year (26 fortnights, the year for outcomes and the survey) with the engine, with the
   tally cache empty (every count in SQL) and then warm, beside one DuckDB query over the
   same CSVs computing the same numerators and denominators; the two are compared. Then,
   in the same process, the equity breakdowns (docs/rules/equity.md §1) of that year for every
   organisation by each dimension and by both, beside the metrics' time (target ≤ 2×), their
   counts compared with one DuckDB query too.
4. The page p50/p95 are measured by benchmarks/dashboard_pages.py (the pages' module),
   which runs after this one against DATABASE_URL.

The database: BENCH_DATABASE on the server of DATABASE_URL when that names PostgreSQL, else
on postgresql://postgres@127.0.0.1:5432; it is created afresh and kept afterwards. To time
the pages on these national data too, name it in DATABASE_URL:
`DATABASE_URL=postgresql://postgres@127.0.0.1:5432/perinatal_bench_dashboard make bench`.
Run alone: `python -m benchmarks.run dashboard`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH_DATABASE = "perinatal_bench_dashboard"
DEFAULT_SERVER = "postgresql://postgres@127.0.0.1:5432"
YEARS = 3
IMPORT_WORKERS = 2
DATASETS = ("units", "births", "neonatal_care", "unit_status", "inductions", "survey")

#: Plain tables for the COPY baseline: the files' columns, typed, no keys or indexes.
PLAIN_TABLES = {
    "units": "unit_code text, site_code text, trust_code text, unit_type text, neonatal_level text, "
    "opened_on date, closed_on date",
    "births": "baby_id text, mother_id text, trust_code text, site_code text, born_on date, gestation_days int, "
    "birth_weight_g int, outcome text, termination boolean, neonatal_death_on date, blood_loss_ml int, "
    "multiple_birth boolean, mother_age int, ethnic_group text, imd_quintile int, onset_of_labour text",
    "neonatal_care": "baby_id text, trust_code text, site_code text, born_on date, gestation_days int, "
    "multiple_birth boolean, antenatal_steroids boolean, antenatal_magnesium boolean, "
    "born_in_nicu_site boolean, cord_clamping_seconds int, admission_temperature_c numeric, "
    "temperature_within_hour boolean, breastmilk_day_1_2 boolean",
    "unit_status": "unit_code text, status text, started_at timestamp, ended_at timestamp",
    "inductions": "induction_id text, trust_code text, site_code text, admitted_at timestamp, started_at timestamp",
    "survey": "trust_code text, survey_year int, question text, responses int, yes int",
}


def _server() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return DEFAULT_SERVER


#: Runs a command and reports its peak RSS: started from this small process, the command's
#: own RSS is measured (a child forked straight from a big benchmark process would count the
#: parent's pages until it calls exec).
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "started = time.perf_counter()\n"
    "done = subprocess.run(sys.argv[2:])\n"
    "seconds = time.perf_counter() - started\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "open(sys.argv[1], 'w').write(json.dumps({'seconds': seconds, 'peak_kb': peak, 'status': done.returncode}))\n"
)


def _timed_process(command: list[str], *, env: dict | None = None) -> tuple[float, int, str]:
    """Run a command; (seconds, peak RSS in MB of it and its children, stdout)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as figures, tempfile.TemporaryFile() as errors:
        done = subprocess.run(
            [sys.executable, "-c", _MEASURE, figures.name, *command],
            cwd=REPO,
            env=env,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        measured = json.loads(Path(figures.name).read_text() or "{}")
        if done.returncode != 0 or measured.get("status") != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command[:4])}… failed: {errors.read().decode(errors='replace')[-1500:]}")
    return measured["seconds"], measured["peak_kb"] // 1024, done.stdout.decode()


def _environment(database_url: str) -> dict:
    environment = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "perinatal.settings"}
    return environment


def _perinatal(database_url: str, *args: str) -> tuple[float, int, str]:
    return _timed_process([sys.executable, "-m", "perinatal.cli", *args], env=_environment(database_url))


def _admin(server: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(sql)


def _machine() -> str:
    memory = ""
    try:
        with open("/proc/meminfo") as info:
            memory = f", {int(info.readline().split()[1]) // 1024 // 1024} GB RAM"
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs{memory}, {platform.machine()}, Python {platform.python_version()}"


def run(*, report) -> None:
    server = _server()
    database_url = f"{server}/{BENCH_DATABASE}"
    print(f"  machine: {_machine()}; load average {os.getloadavg()[0]:.1f}", flush=True)
    folder = Path(tempfile.mkdtemp(prefix="perinatal-bench-"))
    try:
        end = date(date.today().year - 1, 12, 31)  # three whole calendar years
        # In its own process, so that this one stays small (see _MEASURE).
        seconds, peak, _ = _perinatal(
            database_url,
            "generate-demo-data",
            "--years",
            str(YEARS),
            "--end",
            end.isoformat(),
            "--seed",
            "1",
            "--out",
            str(folder),
        )
        births = sum(1 for _ in open(folder / "births.csv", "rb")) - 1
        report(
            "generate 3 years of national demo data",
            seconds,
            f"{births:,} births, {sum((folder / f'{n}.csv').stat().st_size for n in DATASETS) / 1e6:.0f} MB "
            f"of CSV, peak RSS {peak} MB",
        )

        _admin(server, f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}" WITH (FORCE)')
        _admin(server, f'CREATE DATABASE "{BENCH_DATABASE}"')
        _perinatal(database_url, "setup")
        _import(report, database_url=database_url, folder=folder)
        _engine_and_duckdb(report, database_url=database_url, folder=folder, year=end.year)
        print(f"  the imported database is kept for the page benchmark and inspection: {database_url}", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _import(report, *, database_url: str, folder: Path) -> None:
    total, peak, detail = 0.0, 0, []
    for dataset in DATASETS:
        seconds, rss, out = _perinatal(
            database_url, "import", dataset, str(folder / f"{dataset}.csv"), "--workers", str(IMPORT_WORKERS)
        )
        if "loaded" not in out:
            raise RuntimeError(f"{dataset} was not loaded: {out[-500:]}")
        total += seconds
        peak = max(peak, rss)
        detail.append(f"{dataset} {seconds:.1f} s")
    plain_total, plain_peak = 0.0, 0
    psql = shutil.which("psql")
    if psql is None:
        raise RuntimeError("psql is needed for the COPY baseline (apt-get install postgresql-client)")
    for dataset in DATASETS:
        table = f"plain_{dataset}"
        _timed_process(
            [
                psql,
                database_url,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} ({PLAIN_TABLES[dataset]})",
            ]
        )
        seconds, rss, _ = _timed_process(
            [
                psql,
                database_url,
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                f"\\copy {table} FROM '{folder / f'{dataset}.csv'}' WITH (FORMAT csv, HEADER true)",
            ]
        )
        plain_total += seconds
        plain_peak = max(plain_peak, rss)
    report(
        "import: perinatal import of the six files (check, stage, COPY, upsert)",
        total,
        f"peak RSS {peak} MB, {IMPORT_WORKERS} processes per big file; {', '.join(detail)}; "
        f"baseline psql \\copy {plain_total:.1f} s, peak RSS {plain_peak} MB; {total / plain_total:.1f}× the COPY",
    )
    report(
        "import baseline: plain psql \\copy of the same files",
        plain_total,
        f"peak RSS {plain_peak} MB (client side; the server's memory is not in either figure)",
    )


ENGINE_SCRIPT = r"""
import json, os, sys, time, django
from datetime import date
django.setup()
from django.conf import settings
from perinatal.core import clock
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, compute_rows
from perinatal.dashboard.models import TallyCache
year = int(sys.argv[1])
request = MetricRequest(date_from=date(year, 1, 1), date_to=date(year, 12, 31), now=clock.now())
TallyCache.objects.all().delete()
settings.DASHBOARD_TALLY_CACHE = False
started = time.perf_counter(); rows = compute_rows(request); cold = time.perf_counter() - started
settings.DASHBOARD_TALLY_CACHE = True
compute_rows(request)
started = time.perf_counter(); rows = compute_rows(request); warm = time.perf_counter() - started
# The equity breakdowns (docs/rules/equity.md §1) of the same year, every organisation, in the
# same process: each breakdown with the cache off, then the cross breakdown with it warm.
from perinatal.equity.engine import EquityRequest, compute_equity_rows
settings.DASHBOARD_TALLY_CACHE = False
equity = {}
for by in (("ethnic_group",), ("imd_quintile",), ("ethnic_group", "imd_quintile")):
    equity_request = EquityRequest(date_from=request.date_from, date_to=request.date_to, by=by, now=request.now)
    started = time.perf_counter(); equity_rows = compute_equity_rows(equity_request)
    equity[",".join(by)] = [time.perf_counter() - started, len(equity_rows)]
settings.DASHBOARD_TALLY_CACHE = True
compute_equity_rows(equity_request)
started = time.perf_counter(); compute_equity_rows(equity_request); equity_warm = time.perf_counter() - started
orgs = OrganisationMap()
mapping = {trust: orgs.parent_on(trust, date(year, 12, 31)) for trust in orgs.trust_ids}
json.dump({"cold": cold, "warm": warm, "now": request.now.isoformat(), "mapping": mapping,
           "rows": [[r.metric_id, r.org_level, r.org_code, r.period_start.isoformat(), str(r.numerator), r.denominator]
                    for r in rows],
           "equity": equity, "equity_warm": equity_warm,
           "equity_rows": [[r.metric_id, r.org_level, r.org_code, r.ethnic_group, r.imd_quintile, r.numerator,
                            r.denominator] for r in equity_rows]}, sys.stdout)
"""


def _engine_and_duckdb(report, *, database_url: str, folder: Path, year: int) -> None:
    _, _, out = _timed_process([sys.executable, "-c", ENGINE_SCRIPT, str(year)], env=_environment(database_url))
    engine = json.loads(out)
    count = len(engine["rows"])
    started = time.perf_counter()
    duck = duckdb_numbers(folder=folder, year=year, now=engine["now"], mapping=engine["mapping"])
    duck_seconds = time.perf_counter() - started
    differences = compare(engine["rows"], duck)
    agreement = "they agree" if not differences else f"{len(differences)} differences, e.g. {differences[:3]}"
    report(
        f"metrics: all 8 (+ sub-measures), every organisation, {year}, engine cold",
        engine["cold"],
        f"{count:,} rows, every count in SQL on PostgreSQL; baseline one DuckDB query {duck_seconds:.2f} s; "
        f"{agreement}",
    )
    report("metrics: the same, engine with the tally cache warm", engine["warm"], "counts of past periods read back")
    report(
        "metrics baseline: one DuckDB query over the same CSVs",
        duck_seconds,
        f"{len(duck):,} numerator/denominator pairs; {agreement}",
    )
    if differences:
        raise RuntimeError(f"the engine and DuckDB disagree: {differences[:5]}")
    _equity(report, engine=engine, folder=folder, year=year)


def _equity(report, *, engine: dict, folder: Path, year: int) -> None:
    """The equity breakdowns beside the metrics' own time from the same run (target: no more
    than twice it), and their counts against one DuckDB query over the same CSVs."""
    started = time.perf_counter()
    duck = equity_duckdb_numbers(folder=folder, year=year, mapping=engine["mapping"])
    duck_seconds = time.perf_counter() - started
    differences = compare_equity(engine["equity_rows"], duck)
    agreement = "they agree" if not differences else f"{len(differences)} differences, e.g. {differences[:3]}"
    metrics = engine["cold"]
    for by, (seconds, count) in engine["equity"].items():
        report(
            f"equity: 3 metrics by {by}, every organisation, {year}, engine cold",
            seconds,
            f"{count:,} rows; {seconds / metrics:.2f}× the metrics' cold time ({metrics:.2f} s, target ≤ 2×)",
        )
    report(
        "equity: by both, engine with the tally cache warm",
        engine["equity_warm"],
        "counts of the past year read back",
    )
    report(
        "equity baseline: one DuckDB query over the same CSVs",
        duck_seconds,
        f"{len(duck):,} numerator/denominator pairs of the cross breakdown; {agreement}",
    )
    if differences:
        raise RuntimeError(f"the equity engine and DuckDB disagree: {differences[:5]}")


def compare_equity(engine_rows: list, duck: dict) -> list:
    """Every engine row's numerator and denominator (by both dimensions) against DuckDB's
    (absent = 0 / 0)."""
    differences = []
    seen = set()
    for metric, level, code, ethnic_group, quintile, numerator, denominator in engine_rows:
        key = (metric, level, code, ethnic_group, quintile)
        seen.add(key)
        if duck.get(key, (0, 0)) != (numerator, denominator):
            differences.append((key, (numerator, denominator), duck.get(key)))
    differences += [(key, None, value) for key, value in duck.items() if key not in seen]
    return differences


def equity_duckdb_numbers(*, folder: Path, year: int, mapping: dict) -> dict:
    """One DuckDB query over births.csv: numerator and denominator of the three metrics per
    organisation and (ethnic group, quintile) for the year, and per organisation in all
    (docs/rules/equity.md §1, written from the spec apart from the engine): babies by their own
    row; a woman by the one value her rows at the trust give, else Not stated."""
    import duckdb

    mapping_values = ", ".join(
        f"('{trust}', '{icb}', '{region}')" for trust, (icb, region) in mapping.items() if icb and region
    )
    births_csv = str(folder / "births.csv")
    sql = f"""
    WITH orgs(trust_code, icb, region) AS (VALUES {mapping_values}),
    births AS (SELECT *, coalesce(ethnic_group, 'Not stated') AS eg,
                      coalesce(CAST(imd_quintile AS VARCHAR), 'Not stated') AS q
               FROM read_csv('{births_csv}', header = true, types = {{'blood_loss_ml': 'INTEGER',
               'gestation_days': 'INTEGER', 'birth_weight_g': 'INTEGER', 'termination': 'VARCHAR',
               'neonatal_death_on': 'DATE', 'born_on': 'DATE', 'ethnic_group': 'VARCHAR', 'imd_quintile': 'INTEGER'}})
               WHERE born_on BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31'),
    included AS (SELECT *, coalesce(termination, '0') = '0' AND (gestation_days >= 168
                 OR (gestation_days IS NULL AND birth_weight_g >= 400)) AS inc FROM births),
    women AS (SELECT trust_code, mother_id,
                     CASE WHEN count(DISTINCT eg) = 1 THEN any_value(eg) ELSE 'Not stated' END AS eg,
                     CASE WHEN count(DISTINCT q) = 1 THEN any_value(q) ELSE 'Not stated' END AS q,
                     bool_or(coalesce(blood_loss_ml >= 1500, false)) AS pph
              FROM births GROUP BY ALL),
    per_trust AS (
        SELECT 'stillbirth_rate' AS metric, trust_code, eg, q, count(*) FILTER (inc AND outcome = 'stillbirth') AS n,
            count(*) FILTER (inc) AS d FROM included GROUP BY ALL
        UNION ALL SELECT 'neonatal_mortality_rate', trust_code, eg, q, count(*) FILTER (inc AND outcome = 'live'
            AND neonatal_death_on - born_on <= 27), count(*) FILTER (inc AND outcome = 'live')
            FROM included GROUP BY ALL
        UNION ALL SELECT 'pph_1500_rate', trust_code, eg, q, count(*) FILTER (pph), count(*) FROM women GROUP BY ALL
    ),
    per_org AS (
        SELECT metric, 'trust' AS level, trust_code AS code, eg, q, n, d FROM per_trust
        UNION ALL SELECT metric, 'icb', o.icb, eg, q, n, d FROM per_trust JOIN orgs o USING (trust_code)
        UNION ALL SELECT metric, 'region', o.region, eg, q, n, d FROM per_trust JOIN orgs o USING (trust_code)
        UNION ALL SELECT metric, 'national', 'E92000001', eg, q, n, d FROM per_trust
    )
    SELECT metric, level, code, eg, q, sum(n), sum(d) FROM per_org GROUP BY ALL
    UNION ALL SELECT metric, level, code, 'All', 'All', sum(n), sum(d) FROM per_org GROUP BY ALL
    """
    result = {}
    for metric, level, code, ethnic_group, quintile, numerator, denominator in duckdb.connect().execute(sql).fetchall():
        if (numerator, denominator) != (0, 0):
            result[(metric, level, code, ethnic_group, quintile)] = (int(numerator), int(denominator))
    return result


def compare(engine_rows: list, duck: dict) -> list:
    """Every engine row's numerator and denominator against DuckDB's (absent = 0 / 0)."""
    from fractions import Fraction

    from perinatal.dashboard.metrics.intervals import round_half_up

    differences = []
    seen = set()
    for metric, level, code, start, numerator, denominator in engine_rows:
        key = (metric, level, code, start)
        seen.add(key)
        expected_numerator, expected_denominator = duck.get(key, (0, 0))
        if metric.endswith(".hours"):
            expected_numerator = round_half_up(Fraction(int(expected_numerator), 3_600_000_000))
            expected_numerator = str(expected_numerator)
        if (str(expected_numerator), int(expected_denominator)) != (numerator, denominator):
            differences.append((key, (numerator, denominator), (str(expected_numerator), expected_denominator)))
    differences += [(key, None, value) for key, value in duck.items() if key not in seen]
    return differences


def duckdb_numbers(*, folder: Path, year: int, now: str, mapping: dict) -> dict:
    """One DuckDB query over the CSVs: numerator and denominator of every metric, level and
    period (fortnights ending 31 December, the year for outcomes), keyed as the engine's rows."""
    import duckdb

    from perinatal.dashboard.metrics.periods import fortnight_series

    fortnights = fortnight_series(date_from=date(year, 1, 1), date_to=date(year, 12, 31))
    fortnight_values = ", ".join(
        f"({i}, DATE '{f.start}', DATE '{f.end}', {int(f.start_instant.timestamp()) * 1_000_000}, "
        f"{int(f.end_instant.timestamp()) * 1_000_000})"
        for i, f in enumerate(fortnights)
    )
    mapping_values = ", ".join(
        f"('{trust}', '{icb}', '{region}')" for trust, (icb, region) in mapping.items() if icb and region
    )
    from datetime import datetime

    now_us = int(datetime.fromisoformat(now).timestamp() * 1_000_000)
    csv = {name: str(folder / f"{name}.csv") for name in DATASETS}

    def local(column: str) -> str:  # local time text -> epoch microseconds
        return f"epoch_us(timezone('Europe/London', CAST({column} AS TIMESTAMP)))"

    sql = f"""
    WITH f(idx, first_day, last_day, start_us, end_us) AS (VALUES {fortnight_values}),
    orgs(trust_code, icb, region) AS (VALUES {mapping_values}),
    units AS (SELECT * FROM read_csv('{csv["units"]}', header = true, all_varchar = true)),
    episodes AS (SELECT unit_code, status, {local("started_at")} AS s,
                 CASE WHEN ended_at IS NULL OR ended_at = '' THEN NULL ELSE {local("ended_at")} END AS e
                 FROM read_csv('{csv["unit_status"]}', header = true, all_varchar = true)),
    per_unit AS (
        SELECT f.idx, u.trust_code, u.unit_type, u.unit_code,
            max(CASE WHEN ep.status = 'suspended' THEN 1 ELSE 0 END) AS suspended,
            sum(CASE WHEN ep.status = 'suspended' THEN 1 ELSE 0 END) AS episodes,
            sum(CASE WHEN ep.status = 'suspended'
                THEN greatest(least(coalesce(ep.e, least(f.end_us, {now_us})), f.end_us)
                - greatest(ep.s, f.start_us), 0) ELSE 0 END) AS us,
            max(CASE WHEN ep.status = 'closed_external' AND coalesce(ep.e, least(f.end_us, {now_us})) - ep.s
                >= 86400000000 THEN 1 ELSE 0 END) AS closed_ext,
            max(CASE WHEN ep.status = 'closed_internal' AND coalesce(ep.e, least(f.end_us, {now_us})) - ep.s
                >= 86400000000 THEN 1 ELSE 0 END) AS closed_int
        FROM f JOIN units u ON CAST(u.opened_on AS DATE) <= f.last_day
            AND (u.closed_on IS NULL OR u.closed_on = '' OR CAST(u.closed_on AS DATE) > f.first_day)
        LEFT JOIN episodes ep ON ep.unit_code = u.unit_code AND ep.s < f.end_us AND (ep.e IS NULL OR ep.e > f.start_us)
        WHERE u.unit_type IN ('obstetric', 'neonatal')
        GROUP BY ALL),
    inductions AS (SELECT trust_code, {local("admitted_at")} + 86400000000 AS point,
                   CASE WHEN started_at IS NULL OR started_at = '' THEN NULL ELSE {local("started_at")} END AS started
                   FROM read_csv('{csv["inductions"]}', header = true, all_varchar = true)),
    women AS (SELECT f.idx, i.trust_code, count(*) AS waited,
                     sum(CASE WHEN i.started IS NULL OR i.started > i.point THEN 1 ELSE 0 END) AS delayed
              FROM f JOIN inductions i ON i.point >= f.start_us AND i.point < f.end_us AND i.point <= {now_us}
              GROUP BY ALL),
    obstetric_trusts AS (SELECT DISTINCT idx, trust_code FROM per_unit WHERE unit_type = 'obstetric'),
    births AS (SELECT * FROM read_csv('{csv["births"]}', header = true, types = {{'blood_loss_ml': 'INTEGER',
               'gestation_days': 'INTEGER', 'birth_weight_g': 'INTEGER', 'termination': 'VARCHAR',
               'neonatal_death_on': 'DATE', 'born_on': 'DATE'}})
               WHERE born_on BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31'),
    included AS (SELECT *, coalesce(termination, '0') = '0' AND (gestation_days >= 168
                 OR (gestation_days IS NULL AND birth_weight_g >= 400)) AS inc FROM births),
    care AS (SELECT * FROM read_csv('{csv["neonatal_care"]}', header = true, types = {{'gestation_days': 'INTEGER',
             'cord_clamping_seconds': 'INTEGER', 'admission_temperature_c': 'DECIMAL(9,3)', 'born_on': 'DATE',
             'antenatal_steroids': 'VARCHAR', 'antenatal_magnesium': 'VARCHAR', 'born_in_nicu_site': 'VARCHAR',
             'temperature_within_hour': 'VARCHAR', 'breastmilk_day_1_2': 'VARCHAR'}})
             WHERE born_on BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31'
               AND gestation_days IS NOT NULL AND gestation_days < 238),
    care_met AS (SELECT trust_code,
        gestation_days >= 161 AS e_steroids, coalesce(antenatal_steroids = '1', false) AS m_steroids,
        gestation_days < 210 AS e_magnesium, coalesce(antenatal_magnesium = '1', false) AS m_magnesium,
        gestation_days < 189 AS e_nicu, coalesce(born_in_nicu_site = '1', false) AS m_nicu,
        coalesce(cord_clamping_seconds >= 60, false) AS m_cord,
        coalesce(admission_temperature_c BETWEEN 36.5 AND 37.5 AND temperature_within_hour = '1', false) AS m_temp,
        coalesce(breastmilk_day_1_2 = '1', false) AS m_milk FROM care),
    per_trust AS (
        SELECT 'obstetric_unit_suspensions' AS metric, idx, trust_code, sum(suspended) AS n, count(*) AS d
            FROM per_unit WHERE unit_type = 'obstetric' GROUP BY ALL
        UNION ALL SELECT 'obstetric_unit_suspensions.episodes', idx, trust_code, sum(episodes), count(*)
            FROM per_unit WHERE unit_type = 'obstetric' GROUP BY ALL
        UNION ALL SELECT 'obstetric_unit_suspensions.hours', idx, trust_code, sum(us), count(*)
            FROM per_unit WHERE unit_type = 'obstetric' GROUP BY ALL
        UNION ALL SELECT 'neonatal_unit_suspensions', idx, trust_code, sum(greatest(closed_ext, closed_int)), count(*)
            FROM per_unit WHERE unit_type = 'neonatal' GROUP BY ALL
        UNION ALL SELECT 'neonatal_unit_suspensions.external', idx, trust_code, sum(closed_ext), count(*)
            FROM per_unit WHERE unit_type = 'neonatal' GROUP BY ALL
        UNION ALL SELECT 'neonatal_unit_suspensions.internal', idx, trust_code, sum(closed_int), count(*)
            FROM per_unit WHERE unit_type = 'neonatal' GROUP BY ALL
        UNION ALL SELECT 'induction_delays', o.idx, o.trust_code,
            CASE WHEN coalesce(w.delayed, 0) > 0 THEN 1 ELSE 0 END, 1
            FROM obstetric_trusts o LEFT JOIN women w USING (idx, trust_code)
        UNION ALL SELECT 'induction_delays.women', o.idx, o.trust_code, coalesce(w.delayed, 0), coalesce(w.waited, 0)
            FROM obstetric_trusts o LEFT JOIN women w USING (idx, trust_code)
        UNION ALL SELECT 'stillbirth_rate', -1, trust_code, count(*) FILTER (inc AND outcome = 'stillbirth'),
            count(*) FILTER (inc) FROM included GROUP BY ALL
        UNION ALL SELECT 'neonatal_mortality_rate', -1, trust_code, count(*) FILTER (inc AND outcome = 'live'
            AND neonatal_death_on - born_on <= 27), count(*) FILTER (inc AND outcome = 'live')
            FROM included GROUP BY ALL
        UNION ALL SELECT 'pph_1500_rate', -1, trust_code, count(DISTINCT mother_id) FILTER (blood_loss_ml >= 1500),
            count(DISTINCT mother_id) FROM births GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care', -1, trust_code, count(*) FILTER ((NOT e_steroids OR m_steroids)
            AND (NOT e_magnesium OR m_magnesium) AND (NOT e_nicu OR m_nicu) AND m_cord AND m_temp AND m_milk), count(*)
            FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.steroids', -1, trust_code, count(*) FILTER (e_steroids AND m_steroids),
            count(*) FILTER (e_steroids) FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.magnesium', -1, trust_code,
            count(*) FILTER (e_magnesium AND m_magnesium), count(*) FILTER (e_magnesium) FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.nicu_birth', -1, trust_code, count(*) FILTER (e_nicu AND m_nicu),
            count(*) FILTER (e_nicu) FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.cord_clamping', -1, trust_code, count(*) FILTER (m_cord), count(*)
            FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.temperature', -1, trust_code, count(*) FILTER (m_temp), count(*)
            FROM care_met GROUP BY ALL
        UNION ALL SELECT 'optimal_perinatal_care.breastmilk', -1, trust_code, count(*) FILTER (m_milk), count(*)
            FROM care_met GROUP BY ALL
        UNION ALL SELECT 'considered_complaint', -1, trust_code, sum(yes), sum(responses)
            FROM read_csv('{csv["survey"]}', header = true)
            WHERE question = 'considered_complaint' AND survey_year = {year} GROUP BY ALL
    )
    SELECT metric, idx, 'trust', trust_code, sum(n), sum(d) FROM per_trust GROUP BY ALL
    UNION ALL SELECT metric, idx, 'icb', o.icb, sum(n), sum(d) FROM per_trust JOIN orgs o USING (trust_code)
        GROUP BY ALL
    UNION ALL SELECT metric, idx, 'region', o.region, sum(n), sum(d) FROM per_trust JOIN orgs o USING (trust_code)
        GROUP BY ALL
    UNION ALL SELECT metric, idx, 'national', 'E92000001', sum(n), sum(d) FROM per_trust GROUP BY ALL
    """
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    result = {}
    for metric, idx, level, code, numerator, denominator in connection.execute(sql).fetchall():
        start = (fortnights[idx].start if idx >= 0 else date(year, 1, 1)).isoformat()
        result[(metric, level, code, start)] = (int(numerator), int(denominator))
    return result
