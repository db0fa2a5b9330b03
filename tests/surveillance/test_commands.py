"""The analyst commands `perinatal moss`, `perinatal spc`, `perinatal funnel` and `perinatal run-moss`.

Including: the spec's worked example through the real command, refusals with the line named,
and the command's output equal to what the pages show for the same data.
"""

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.surveillance.models import MossRun
from perinatal.surveillance.services.runs import record_moss_run
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, SITE_B, WORKED_NOW, worked_example
from tests.surveillance.vectors import load_vectors

PERINATAL = Path(sys.executable).parent / "perinatal"
EXAMPLE = load_vectors("moss")["worked_example"]
FUNNEL = load_vectors("funnel")
SPC = load_vectors("spc")


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _births_lines(site: str, total: int = 2500) -> list[str]:
    return [
        f"{site},{28:02d}/{month:02d}/2024,{total // 12 + (1 if month <= total % 12 else 0)},0,2024"
        for month in range(1, 13)
    ]


@pytest.fixture
def moss_files(tmp_path):
    """The worked example of docs/rules/surveillance.md §1 as NHS England's files: S1 2, 1, 1, 3, 3, 0;
    S2's event makes June evaluated."""
    counts = EXAMPLE["counts"]
    events = ["ods_code,Site_Code,Site_Name,Trust_Name,test_date,year_month,event_count,outcome"]
    events += [
        f"R1,S1,One,Trust,2025-{month:02d}-05,2025-{month:02d},{count},SB"
        for month, count in enumerate(counts, start=1)
        if count
    ]
    events.append("R2,S2,Two,Trust,2025-06-05,2025-06,1,SB")
    return {
        "events": _write(tmp_path / "events.csv", events),
        "births": _write(
            tmp_path / "births.csv",
            ["Site_Code,Period,Term_Births,Term_Live_Births,Year", *_births_lines("S1"), *_births_lines("S2")],
        ),
        "reference_rates": _write(
            tmp_path / "rates.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,10,5000,0.002,national"]
        ),
    }


def _moss(files, *extra) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "moss",
        "--events",
        str(files["events"]),
        "--births",
        str(files["births"]),
        "--reference-rates",
        str(files["reference_rates"]),
        *extra,
        stdout=out,
        stderr=err,
    )
    return out.getvalue(), err.getvalue()


def test_moss_prints_the_worked_example(moss_files):
    out, err = _moss(moss_files)
    lines = out.splitlines()
    assert lines[0] == "site_code,month,events,expected,k,h1,h2,cusum,level,reset"
    s1 = [line.split(",") for line in lines[1:] if line.startswith("S1,")]
    assert [int(row[2]) for row in s1] == EXAMPLE["counts"]
    assert [float(row[7]) for row in s1] == EXAMPLE["cusum"]
    assert [int(row[8]) for row in s1] == EXAMPLE["level"]
    assert [int(row[9]) for row in s1] == EXAMPLE["reset"]
    assert lines[4] == "S1,2025-04,3,0.42,0.6,1.6,3.4,4.6,2,0"
    assert len(lines) == 13 and err == ""


def test_moss_json_carries_the_method(moss_files):
    out, _ = _moss(moss_files, "--format", "json")
    document = json.loads(out)
    assert document["method"] == "nhse-2026-04" and len(document["rows"]) == 12
    assert document["rows"][4] == {
        "site_code": "S1",
        "month": "2025-05",
        "events": 3,
        "expected": 0.42,
        "k": 0.6,
        "h1": 1.6,
        "h2": 3.4,
        "cusum": 2.4,
        "level": 1,
        "reset": 1,
    }


def test_moss_names_sites_from_the_sites_file(moss_files, tmp_path):
    sites = _write(
        tmp_path / "sites.csv", ["Site_Code,Site_Name,Trust_Code,Trust_Name", "S1,Princess Royal,R1,Lakeside"]
    )
    out, _ = _moss(moss_files, "--sites", str(sites))
    assert out.splitlines()[0].endswith(",reset,site_name,trust_name")
    assert out.splitlines()[1].endswith(",Princess Royal,Lakeside")


def test_moss_warnings_go_to_standard_error(moss_files, tmp_path):
    moss_files["births"] = _write(
        tmp_path / "s1.csv", ["Site_Code,Period,Term_Births,Term_Live_Births,Year", *_births_lines("S1")]
    )
    out, err = _moss(moss_files)
    assert err.strip() == "warning: site S2, 2025: no term births for 2024 (denominator); not monitored"
    assert all(line.startswith(("site_code", "S1,")) for line in out.splitlines())


def test_moss_refuses_a_malformed_file_naming_the_line(moss_files):
    text = moss_files["events"].read_text().replace("2025-03-05,2025-03,1,SB", "2025-03-05,2025-03,one,SB")
    moss_files["events"].write_text(text)
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command(
            "moss",
            "--events",
            str(moss_files["events"]),
            "--births",
            str(moss_files["births"]),
            "--reference-rates",
            str(moss_files["reference_rates"]),
            stdout=out,
        )
    assert "events.csv, line 4, column event_count: 'one' is not a number" in str(refused.value)
    assert out.getvalue() == ""


# --- the real console script: exit status, stderr, nothing on stdout ---------------------------------


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PERINATAL), *args], capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("kind", ["moss", "spc", "funnel"])
def test_the_console_script_refuses_malformed_files(kind, tmp_path, moss_files):
    if kind == "moss":
        _write(
            moss_files["births"], ["Site_Code,Period,Term_Births,Term_Live_Births,Year", "S1,31/01/2024,many,0,2024"]
        )
        args = [
            "moss",
            "--events",
            str(moss_files["events"]),
            "--births",
            str(moss_files["births"]),
            "--reference-rates",
            str(moss_files["reference_rates"]),
        ]
        expected = "births.csv, line 2, column Term_Births: 'many' is not a number"
    elif kind == "spc":
        path = _write(tmp_path / "series.csv", ["date,value", "2025-01-01,1", "2025-02-30,2"])
        args, expected = ["spc", str(path)], "series.csv, line 3, column date: '2025-02-30' is not a real date"
    else:
        path = _write(tmp_path / "groups.csv", ["group,numerator,denominator", "a,5,10", "b,12,10"])
        args, expected = ["funnel", str(path)], "groups.csv, line 3, column numerator: is more than the denominator"
    result = _run(*args)
    assert result.returncode != 0
    assert expected in result.stderr
    assert result.stdout == ""


def test_the_console_script_prints_the_worked_example(moss_files):
    result = _run(
        "moss",
        "--events",
        str(moss_files["events"]),
        "--births",
        str(moss_files["births"]),
        "--reference-rates",
        str(moss_files["reference_rates"]),
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "S1,2025-05,3,0.42,0.6,1.6,3.4,2.4,1,1" in result.stdout.splitlines()


# --- perinatal spc and perinatal funnel -------------------------------------------------------------------


def _call(name: str, *args: str) -> str:
    out = io.StringIO()
    call_command(name, *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _series(tmp_path, values) -> Path:
    start = date(2024, 1, 1)
    return _write(
        tmp_path / "series.csv", ["date,value", *[f"{start + timedelta(days=7 * i)},{v}" for i, v in enumerate(values)]]
    )


def test_spc_prints_unrounded_limits_from_the_vectors(tmp_path):
    vector = next(v for v in SPC["limits_without_screening"] if len(v["values"]) == 20)
    rows = list(
        csv.DictReader(io.StringIO(_call("spc", str(_series(tmp_path, vector["values"])), "--no-screen-outliers")))
    )
    assert [float(rows[0][column]) for column in ("mean", "lpl", "upl")] == [
        vector["mean"],
        vector["lpl"],
        vector["upl"],
    ]
    assert rows[0]["mean"] == "9.5" and rows[0]["special_cause"] == "below_lower_limit"
    assert rows[0]["point_type"] == "concern" and rows[-1]["point_type"] == "improvement"


@pytest.mark.parametrize(
    "improvement, first_type", [("increase", "concern"), ("decrease", "improvement"), ("neutral", "neutral_low")]
)
def test_spc_improvement_direction(tmp_path, improvement, first_type):
    rows = list(
        csv.DictReader(io.StringIO(_call("spc", str(_series(tmp_path, range(20))), "--improvement", improvement)))
    )
    assert rows[0]["point_type"] == first_type


def test_spc_json_adds_icons_and_options_reach_the_chart(tmp_path):
    path = _series(tmp_path, [5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 5, 6, 20, 21, 20, 21])
    document = json.loads(
        _call("spc", str(path), "--format", "json", "--target", "30", "--fix-after", "12", "--rebase", "2024-03-25")
    )
    assert document["variation"] and document["assurance"] == "consistent_fail"
    assert [segment["start"] for segment in document["segments"]] == ["2024-01-01", "2024-03-25"]
    assert document["segments"][0]["baseline_points"] == 12


def test_spc_refuses_a_rebase_date_that_is_not_a_point(tmp_path):
    with pytest.raises(CommandError):
        _call("spc", str(_series(tmp_path, range(20))), "--rebase", "2030-01-01")


def test_funnel_ratio_limits_from_the_vectors(tmp_path):
    rows = FUNNEL["poisson_exact_limits_target_1"]["rows"]
    path = _write(
        tmp_path / "ratios.csv", ["group,numerator,denominator", *[f"g{r['n']},{r['n']},{r['n']}" for r in rows]]
    )
    printed = list(csv.DictReader(io.StringIO(_call("funnel", str(path), "--type", "ratio"))))
    for vector, row in zip(rows, printed):
        assert row["value"] == "1" and row["outlier_95"] == "0"
        for column, key in (("lower_95", "ll95"), ("upper_95", "ul95"), ("lower_998", "ll998"), ("upper_998", "ul998")):
            assert float(row[column]) == pytest.approx(vector[key], abs=5e-7)


def test_funnel_sums_groups_and_prints_the_ratio_unrounded(tmp_path):
    aggregation = FUNNEL["aggregation"]
    lines = [
        f"{g},{n},{d}" for g, n, d in zip(aggregation["group"], aggregation["numerator"], aggregation["denominator"])
    ]
    path = _write(tmp_path / "groups.csv", ["group,numerator,denominator", *lines])
    printed = {
        row["group"]: row
        for row in csv.DictReader(io.StringIO(_call("funnel", str(path), "--type", "ratio", "--overdispersion")))
    }
    assert (printed["a"]["numerator"], printed["a"]["denominator"]) == ("430", "402")
    assert printed["a"]["value"] == repr(430 / 402)
    document = json.loads(_call("funnel", str(path), "--type", "ratio", "--format", "json"))
    assert document["type"] == "ratio" and document["target"] == 1


# --- perinatal run-moss, and the command's output equal to the pages ------------------------------------


class _TableCells(HTMLParser):
    """The text of every cell of the first table inside the MOSS table region."""

    def __init__(self):
        super().__init__()
        self.inside, self.rows, self.cell = False, [], None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "div" and attributes.get("aria-label") == "MOSS CUSUM table":
            self.inside = True
        elif self.inside and tag == "tr":
            self.rows.append([])
        elif self.inside and tag in ("td", "th"):
            self.cell = ""

    def handle_endtag(self, tag):
        if self.inside and tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(self.cell.strip())
            self.cell = None
        elif self.inside and tag == "table":
            self.inside = False

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def _for_people(row: list[str]) -> list[str]:
    """A ``perinatal moss`` CSV row as the site's page shows it (issue 12: no float reprs on pages)."""
    from perinatal.core.formatting import decimal, month_and_year

    site, month, events, expected, k, h1, h2, cusum, level, reset = row
    year, number = (int(part) for part in month.split("-"))
    measures = [decimal(float(value)) for value in (expected, k, h1, h2, cusum)]
    return [site, month_and_year(date(year, number, 1)), events, *measures, level, "Yes" if reset == "1" else "No"]


@pytest.mark.django_db
def test_run_moss_then_perinatal_moss_on_its_inputs_prints_what_the_pages_show(settings, tmp_path, client):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()
    out = io.StringIO()
    call_command("run_moss", "--export-inputs", str(tmp_path / "inputs"), stdout=out, stderr=io.StringIO())
    assert re.search(r"MOSS run \d+ \(nhse-2026-04\): 2 sites, 12 site-months, 4 new signals", out.getvalue())
    assert MossRun.objects.get().trigger == "command"
    inputs = tmp_path / "inputs"
    printed = _call(
        "moss",
        "--events",
        str(inputs / "events.csv"),
        "--births",
        str(inputs / "births.csv"),
        "--reference-rates",
        str(inputs / "reference_rates.csv"),
    )
    command_rows = list(csv.reader(io.StringIO(printed)))
    assert command_rows[4] == [SITE_A, "2025-04", "3", "0.42", "0.6", "1.6", "3.4", "4.6", "2", "0"]
    sign_in(client, User.objects.get(email="ist@perinatal.example"))
    for site in (SITE_A, SITE_B):
        expected = [row for row in command_rows[1:] if row[0] == site]
        download = client.get(reverse("surveillance:site_csv", args=[site])).content.decode()
        assert list(csv.reader(io.StringIO(download)))[1:] == expected
        assert download.splitlines()[0] == printed.splitlines()[0]
        page = _TableCells()
        page.feed(client.get(reverse("surveillance:site", args=[site])).content.decode())
        # The HTML table's cells are the command's cells, rounded for people by the one formatter.
        assert page.rows[1:] == [_for_people(row) for row in expected]
    assert len(expected) == 6


@pytest.mark.django_db
def test_run_moss_says_when_the_data_is_unchanged(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    worked_example()
    record_moss_run(trigger=MossRun.Trigger.COMMAND)
    out, err = io.StringIO(), io.StringIO()
    call_command("run-moss".replace("-", "_"), "--trigger", "nightly", stdout=out, stderr=err)
    assert "unchanged since the last run" in out.getvalue()
    assert "2 site-years not monitored (no denominator: 2)" in err.getvalue()
    assert MossRun.objects.order_by("-id").first().trigger == "nightly"


# --- SPC and funnel tables for pages: the commands' cells, by construction -------------------------------


def test_an_spc_table_for_a_page_has_the_commands_cells(tmp_path):
    from perinatal.stats.spc import SpcPoint, xmr_chart
    from perinatal.surveillance.presenters import spc_table

    values = [3.1, 2.7, 3.3, 2.9, 3.0, 3.4, 2.8, 3.2, 3.6, 3.9, 4.1, 4.4, 4.0, 3.7, 5.9, 3.5]
    path = _series(tmp_path, values)
    printed = list(csv.reader(io.StringIO(_call("spc", str(path), "--improvement", "decrease"))))
    start = date(2024, 1, 1)
    chart = xmr_chart(
        points=[SpcPoint(date=start + timedelta(days=7 * i), value=v) for i, v in enumerate(values)],
        improvement="decrease",
    )
    table = spc_table(chart=chart, caption="Test")
    assert [list(row) for row in table.rows] == printed[1:] and table.headings == tuple(printed[0])


def test_a_funnel_table_for_a_page_has_the_commands_cells(tmp_path):
    from perinatal.stats.funnel import aggregate_groups, funnel_plot
    from perinatal.surveillance.presenters import funnel_table

    rows = [("a", 12, 400), ("b", 30, 800), ("c", 2, 150), ("d", 25, 300)]
    path = _write(tmp_path / "groups.csv", ["group,numerator,denominator", *[f"{g},{n},{d}" for g, n, d in rows]])
    printed = list(csv.reader(io.StringIO(_call("funnel", str(path), "--overdispersion"))))
    plot = funnel_plot(groups=aggregate_groups(rows), kind="proportion", target=None, overdispersion=True)
    assert [list(row) for row in funnel_table(plot=plot, caption="Test").rows] == printed[1:]
