"""Per-site reference rates loaded into the platform (docs/rules/surveillance.md §1.1, §1.6).

The births data is the worked example (tests/surveillance/platform.py): R0A01 and RRK01 each
have 2,500 term births in 2024, the national rate for 2025 is 0.002 and each site's IC is 0.42.
A rate loaded for a site replaces the national rate for that site-year; the platform's stored
results must then be exactly what ``perinatal moss`` prints with the same reference-rate file.
"""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from perinatal.accounts.models import User
from perinatal.core.models import AuditEvent
from perinatal.surveillance import presenters
from perinatal.surveillance.analyst_files import read_reference_rate_rows
from perinatal.surveillance.calculation import BIRTHS_FILE, EVENTS_FILE, REFERENCE_RATES_FILE, write_input_files
from perinatal.surveillance.models import LoadedReferenceRate, MossRun, ReferenceRateUpload, SiteMonthResult
from perinatal.surveillance.selectors.births import term_monthly_counts
from perinatal.surveillance.selectors.reference_rates import current_loaded_rates
from perinatal.surveillance.services.runs import current_calculation, record_moss_run
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, SITE_B, WORKED_NOW, worked_example

pytestmark = pytest.mark.django_db

HEADER = "Site_Code,Year,Events,Denom,Ref_Rate,Source"


@pytest.fixture
def births(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _load(path: Path, *args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("load_reference_rates", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _run() -> MossRun:
    return record_moss_run(trigger=MossRun.Trigger.COMMAND).run


def _platform_csv(run: MossRun) -> str:
    """The run's stored rows, printed by the formatter ``perinatal moss`` prints with."""
    results = SiteMonthResult.objects.filter(run=run).select_related("site").order_by("site__code", "month")
    return presenters.moss_csv([presenters.moss_row(result) for result in results])


def _analyst_csv(tmp_path: Path, reference_rates: Path) -> str:
    """``perinatal moss`` on the platform's births data (written as NHS England's files) and a rates file."""
    inputs = tmp_path / "inputs"
    calculation = current_calculation()
    write_input_files(
        directory=inputs, counts=term_monthly_counts(), reference_rates=calculation.reference_rates, sites={}
    )
    out = io.StringIO()
    call_command(
        "moss",
        "--events",
        str(inputs / EVENTS_FILE),
        "--births",
        str(inputs / BIRTHS_FILE),
        "--reference-rates",
        str(reference_rates),
        stdout=out,
        stderr=io.StringIO(),
    )
    return out.getvalue()


def _rows(text: str, site: str) -> list[list[str]]:
    return [line.split(",") for line in text.splitlines()[1:] if line.startswith(site + ",")]


# --- the platform's MOSS with loaded rates agrees with perinatal moss --------------------------------


def test_a_site_rate_changes_that_sites_thresholds_exactly_as_perinatal_moss_does(births, tmp_path):
    national = _platform_csv(_run())
    rates = _write(
        tmp_path / "MOSS_Ref_Rate.csv",
        [
            HEADER,
            f"{SITE_A},2022-2024,16,4000,0.004,NHS England MOSS",
            f"{SITE_B},2022-2024,9,5000,0.0018,NHS England MOSS",
        ],
    )
    _load(rates, "--no-run")
    run = _run()
    assert run.results_stored and run.reference == "per site (2 sites)"
    platform = _platform_csv(run)
    assert platform == _analyst_csv(tmp_path, rates)  # every cell, both sites, the very file loaded
    # The site rates moved both sites' thresholds away from the national ones (IC 0.42 at 0.002).
    assert _rows(platform, SITE_A)[0][3:7] == ["0.83", "1.2", "2", "3.8"]  # expected, k, h1, h2
    assert _rows(national, SITE_A)[0][3:7] == ["0.42", "0.6", "1.6", "3.4"]
    assert _rows(platform, SITE_B)[0][3] == "0.38" and platform != national
    results = SiteMonthResult.objects.filter(run=run)
    assert {(r.site.code, r.reference_rate, r.reference_source) for r in results} == {
        (SITE_A, 0.004, "site"),
        (SITE_B, 0.0018, "site"),
    }
    assert {r.loaded_reference_rate.line for r in results.select_related("loaded_reference_rate")} == {2, 3}


def test_sites_without_a_loaded_rate_keep_the_national_rate(births, tmp_path):
    _load(_write(tmp_path / "MOSS_Ref_Rate.csv", [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE"]), "--no-run")
    run = _run()
    assert run.reference == "per site (1 site), national for the others"
    platform = _platform_csv(run)
    # perinatal moss needs the national rate for RRK01 too: the file the platform exports has both.
    exported = tmp_path / "inputs" / REFERENCE_RATES_FILE
    assert platform == _analyst_csv(tmp_path, exported)
    assert exported.read_text().splitlines() == [
        "Site_Code,Year,Events,Denom,Ref_Rate,Source",
        ",2022-2024,10,5000,0.002,national",
        f"{SITE_A},2022-2024,,,0.004,loaded per site",
    ]
    by_site = {r.site.code: r for r in SiteMonthResult.objects.filter(run=run, month__month=1)}
    assert (by_site[SITE_A].reference_rate, by_site[SITE_A].reference_source) == (0.004, "site")
    assert (by_site[SITE_B].reference_rate, by_site[SITE_B].reference_source) == (0.002, "national")
    assert by_site[SITE_B].loaded_reference_rate is None and by_site[SITE_B].expected == 0.42


def test_a_file_without_site_code_applies_its_rate_to_every_site(births, tmp_path):
    rates = _write(
        tmp_path / "national.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,30,10000,0.003,NHSE national"]
    )
    _load(rates, "--no-run")
    run = _run()
    assert run.reference == "loaded for all sites"
    assert _platform_csv(run) == _analyst_csv(tmp_path, rates)
    assert set(SiteMonthResult.objects.filter(run=run).values_list("reference_rate", "reference_source")) == {
        (0.003, "all_sites")
    }


def test_a_rate_for_other_years_or_sites_changes_nothing(births, tmp_path):
    first = _run()
    _load(
        _write(tmp_path / "old.csv", [HEADER, f"{SITE_A},2019-2021,1,1,0.009,old", "ZZZ99,2022-2024,1,1,0.009,x"]),
        "--no-run",
    )
    again = _run()
    assert not again.results_stored and again.data_fingerprint == first.data_fingerprint


def test_the_site_page_says_which_reference_rate_applies(births, tmp_path, client):
    _load(
        _write(tmp_path / "MOSS_Ref_Rate.csv", [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHS England MOSS"]),
        "--no-run",
    )
    _run()
    sign_in(client, User.objects.get(email="midwife.rrk@perinatal.example"))
    page = client.get(reverse("surveillance:site", args=[SITE_A])).content.decode()
    assert "Reference rate for 2025" in page
    assert (
        "Site rate 4 per 1,000 term births, 2022–2024, loaded from MOSS_Ref_Rate.csv on 10 July 2025; "
        "source: NHS England MOSS"
    ) in page
    page = client.get(reverse("surveillance:site", args=[SITE_B])).content.decode()
    assert "National rate 2 per 1,000 term births, 2022–2024 (all sites&#39; births data)" in page
    page = client.get(reverse("surveillance:overview")).content.decode()
    assert "per site (1 site), national for the others" in page


# --- loading --------------------------------------------------------------------------------------------


def test_loading_stores_every_row_with_where_it_came_from_and_queues_a_run(births, tmp_path):
    path = _write(
        tmp_path / "MOSS_Ref_Rate.csv",
        [
            "\ufeffSite_Code,Year,Events,Denom,Ref_Rate,Source",
            f"{SITE_A},2022-2024,16,4000,0.004,NHS England MOSS",
            ",2022-2024,n/a,,0.0021,",
            ",,,,,",
        ],
    )
    queued = DBTaskResult.objects.filter(task_path__endswith="run_moss_task").count()
    out, err = _load(path, "--by", "hom.r0a@perinatal.example")
    assert (
        "Loaded 2 reference rates from MOSS_Ref_Rate.csv: 1 for single sites, 1 for every site; "
        "0 earlier rates replaced." in out
    )
    assert "A MOSS run is queued" in out and err == ""
    upload = ReferenceRateUpload.objects.get()
    assert (upload.filename, upload.loaded_by.email, upload.rates_loaded, upload.rates_replaced) == (
        "MOSS_Ref_Rate.csv",
        "hom.r0a@perinatal.example",
        2,
        0,
    )
    assert len(upload.sha256) == 64
    rows = list(
        LoadedReferenceRate.objects.order_by("line").values_list(
            "line", "site_code", "period_start_year", "period_end_year", "rate", "events", "denom", "source"
        )
    )
    assert rows == [
        (2, SITE_A, 2022, 2024, 0.004, "16", "4000", "NHS England MOSS"),
        (3, "", 2022, 2024, 0.0021, "n/a", "", ""),
    ]
    task = DBTaskResult.objects.filter(task_path__endswith="run_moss_task").order_by("-enqueued_at").first()
    assert DBTaskResult.objects.filter(task_path__endswith="run_moss_task").count() == queued + 1
    assert task.args_kwargs["kwargs"] == {"trigger": "reference_rates"}
    event = AuditEvent.objects.get(object_type="surveillance.ReferenceRateUpload")
    assert (
        event.summary == (f"Reference rates load {upload.pk}: 1 site rates, 1 for all sites, 0 earlier rates replaced")
        and event.actor == upload.loaded_by
    )


def test_the_command_line_is_named_when_no_user_is_given_and_unknown_sites_are_warned_of(births, tmp_path):
    out, err = _load(_write(tmp_path / "r.csv", [HEADER, "ZZZ99,2022-2024,1,1,0.002,x"]), "--no-run")
    assert ReferenceRateUpload.objects.get().loaded_by_label.startswith("command line (")
    assert "warning: 1 site codes are not in the organisation register" in err and "ZZZ99" in err
    assert "next run" in out


def test_loading_again_replaces_rates_for_the_same_site_and_period(births, tmp_path):
    _load(
        _write(
            tmp_path / "first.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,v1", f"{SITE_B},2022-2024,1,1,0.002,v1"]
        ),
        "--no-run",
    )
    first_run = _run()
    out, _ = _load(
        _write(
            tmp_path / "second.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.004,v2", f"{SITE_A},2021-2023,1,1,0.001,v2"]
        ),
        "--no-run",
    )
    assert "1 earlier rate replaced" in out
    current = {
        (rate.site_code, rate.period_end_year): (rate.rate, rate.source, rate.upload.filename)
        for rate in current_loaded_rates()
    }
    assert current == {
        (SITE_A, 2024): (0.004, "v2", "second.csv"),
        (SITE_A, 2023): (0.001, "v2", "second.csv"),
        (SITE_B, 2024): (0.002, "v1", "first.csv"),
    }
    old = LoadedReferenceRate.objects.get(source="v1", site_code=SITE_A)
    assert old.replaced_by.filename == "second.csv"  # kept, so older results still say which rate they used
    assert ReferenceRateUpload.objects.get(filename="second.csv").rates_replaced == 1
    second_run = _run()
    assert second_run.results_stored and second_run.data_fingerprint != first_run.data_fingerprint
    assert set(
        SiteMonthResult.objects.filter(run=second_run, site__code=SITE_A).values_list("reference_rate", flat=True)
    ) == {0.004}
    assert SiteMonthResult.objects.filter(run=first_run, site__code=SITE_A).first().loaded_reference_rate == old
    # The same numbers loaded again are new rows: the next run stores results that name them.
    _load(tmp_path / "second.csv", "--no-run")
    third_run = _run()
    assert third_run.results_stored and _platform_csv(third_run) == _platform_csv(second_run)
    assert (
        SiteMonthResult.objects.filter(run=third_run, site__code=SITE_A).first().loaded_reference_rate.upload.pk
        == ReferenceRateUpload.objects.order_by("-id").first().pk
    )


@pytest.mark.parametrize(
    "lines, where",
    [
        (
            [HEADER, f"{SITE_A},2022-2024,1,1,0.003,x", f"{SITE_B},2024,1,1,0.002,x"],
            "line 3, column Year: '2024' is not a 3-year period",
        ),
        ([HEADER, f"{SITE_A},2022-2025,1,1,0.003,x"], "line 2, column Year: '2022-2025' is not a 3-year period"),
        ([HEADER, f"{SITE_A},2022-2024,1,1,-0.003,x"], "line 2, column Ref_Rate: -0.003 is less than 0"),
        ([HEADER, f"{SITE_A},2022-2024,1,1,,x"], "line 2, column Ref_Rate: is empty"),
        ([HEADER, f"{SITE_A},2022-2024,1,1,3 per 1000,x"], "line 2, column Ref_Rate: '3 per 1000' is not a number"),
        (
            ["Site_Code,Year,Events,Denom,Rate,Source", f"{SITE_A},2022-2024,1,1,0.003,x"],
            "line 1, column Ref_Rate: missing column",
        ),
        (
            [HEADER, f"{SITE_A},2022-2024,1,1,0.003,x", f"{SITE_A},2022-2024,1,1,0.004,y"],
            "line 3, column Year: a second rate for site R0A01 and 2022-2024 (the first is on line 2)",
        ),
        ([HEADER, f"{SITE_A},2022-2024,1,1,0.003,x,extra"], "line 2: has 7 fields but the header has 6"),
        ([HEADER], ": has no rows of data"),
    ],
)
def test_a_malformed_file_is_refused_naming_file_line_and_column_and_nothing_is_stored(births, tmp_path, lines, where):
    _load(_write(tmp_path / "good.csv", [HEADER, f"{SITE_B},2022-2024,1,1,0.002,earlier"]), "--no-run")
    before = (ReferenceRateUpload.objects.count(), LoadedReferenceRate.objects.count(), AuditEvent.objects.count())
    queued = DBTaskResult.objects.count()
    path = _write(tmp_path / "MOSS_Ref_Rate.csv", lines)
    with pytest.raises(CommandError) as refused:
        _load(path)
    message = str(refused.value)
    assert message.startswith(str(path)) and where in message and message.endswith("nothing was loaded")
    assert (
        ReferenceRateUpload.objects.count(),
        LoadedReferenceRate.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    assert DBTaskResult.objects.count() == queued  # no run queued either
    assert current_loaded_rates().get().source == "earlier"  # the rates in force are untouched


def test_a_file_that_is_not_utf8_or_missing_is_refused(births, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "\nR0A01,2022-2024,1,1,0.003,Sant\xe9\n").encode("latin-1"))
    with pytest.raises(CommandError, match=r"latin1.csv, line 2: is not UTF-8 text; nothing was loaded"):
        _load(path)
    with pytest.raises(CommandError, match=r"missing.csv: cannot be read"):
        _load(tmp_path / "missing.csv")
    with pytest.raises(CommandError, match="no active user"):
        _load(_write(tmp_path / "ok.csv", [HEADER, f"{SITE_A},2022-2024,1,1,0.003,x"]), "--by", "nobody@test.example")
    assert not LoadedReferenceRate.objects.exists()


def test_one_parser_reads_the_format_for_both_commands(tmp_path):
    path = _write(tmp_path / "r.csv", [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE", ",2021-2023,,,0.002,"])
    rows = read_reference_rate_rows(path)
    assert [(r.line, r.site_code, r.period, r.year, r.rate, r.events, r.denom, r.source) for r in rows] == [
        (2, SITE_A, "2022-2024", 2025, 0.004, "16", "4000", "NHSE"),
        (3, "", "2021-2023", 2024, 0.002, "", "", ""),
    ]


def test_run_moss_exports_the_loaded_rates_so_perinatal_moss_prints_what_the_run_stored(births, tmp_path):
    _load(_write(tmp_path / "MOSS_Ref_Rate.csv", [HEADER, f"{SITE_A},2022-2024,16,4000,0.004,NHSE"]), "--no-run")
    inputs = tmp_path / "exported"
    call_command("run_moss", "--export-inputs", str(inputs), stdout=io.StringIO(), stderr=io.StringIO())
    run = MossRun.objects.latest("pk")
    out = io.StringIO()
    call_command(
        "moss",
        "--events",
        str(inputs / EVENTS_FILE),
        "--births",
        str(inputs / BIRTHS_FILE),
        "--reference-rates",
        str(inputs / REFERENCE_RATES_FILE),
        stdout=out,
        stderr=io.StringIO(),
    )
    assert out.getvalue() == _platform_csv(run)
    assert _rows(out.getvalue(), SITE_A)[0][3] == "0.83"  # the site's loaded rate, not the national 0.42


@pytest.mark.parametrize(
    "line, column, message",
    [
        ("R0A01,2022-2024,16,4000,3.1,NHSE", "Ref_Rate", "3.1 is 3,100 per 1,000 term births"),
        ("R0A01-SITE-WITH-A-VERY-LONG-CODE,2022-2024,16,4000,0.003,NHSE", "Site_Code", "is not a site code"),
        ("r0a 01,2022-2024,16,4000,0.003,NHSE", "Site_Code", "is not a site code"),
        ("R0A01,2022-2024,16,4000,0.003,NHS\x00E", "Source", "contains a NUL character"),
    ],
)
def test_the_platform_refuses_what_would_break_monitoring_naming_line_and_column(
    births, tmp_path, line, column, message
):
    path = _write(tmp_path / "MOSS_Ref_Rate.csv", [HEADER, "RRK01,2022-2024,9,5000,0.0018,NHSE", line])
    with pytest.raises(CommandError) as refused:
        _load(path, "--no-run")
    assert f"MOSS_Ref_Rate.csv, line 3, column {column}: " in str(refused.value) and message in str(refused.value)
    assert not LoadedReferenceRate.objects.exists() and not ReferenceRateUpload.objects.exists()
