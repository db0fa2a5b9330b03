"""The analyst commands' pure functions: files in, rows out (docs/rules/surveillance.md §1.6, §2, §3)."""

import json
from datetime import date, timedelta

import pytest

from perinatal.surveillance.analyst_files import (
    FUNNEL_COLUMNS,
    MOSS_COLUMNS,
    SPC_COLUMNS,
    InputFileError,
    format_csv,
    format_json,
    format_number,
    funnel_from_file,
    moss_from_files,
    spc_from_file,
)
from tests.surveillance.vectors import load_vectors

EXAMPLE = load_vectors("moss")["worked_example"]
EVENTS_HEADER = "ods_code,Site_Code,Site_Name,Trust_Name,test_date,year_month,event_count,outcome"
BIRTHS_HEADER = "Site_Code,Period,Term_Births,Term_Live_Births,Year"
RATES_HEADER = "Site_Code,Year,Events,Denom,Ref_Rate,Source"


def _write(path, lines, *, bom=False, newline="\n"):
    text = newline.join(lines) + newline
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def _births_lines(site, year=2024, total=2500):
    """Twelve monthly rows adding up to ``total`` term births (mean total/12)."""
    lines = []
    for month in range(1, 13):
        births = total // 12 + (1 if month <= total % 12 else 0)
        lines.append(f"{site},28/{month:02d}/{year},{births},{births - 1},{year}")
    return lines


@pytest.fixture
def moss_files(tmp_path):
    """The worked example of docs/rules/surveillance.md §1: site S1, counts 2, 1, 1, 3, 3, 0 in Jan–Jun 2025.

    Site S2 has the only event of June, so that June is evaluated. Written as NHS
    England's R exports them: byte-order mark, CRLF, an all-empty row, both date formats,
    and two outcomes in one month.
    """
    events = _write(
        tmp_path / "events.csv",
        [
            EVENTS_HEADER,
            "R1,S1,One,Trust,2025-01-05,2025-01,1,SB",
            "R1,S1,One,Trust,2025-01-20,2025-01,1,NND",
            "R1,S1,One,Trust,05/02/2025,2025-02,1,HIE",
            ",,,,,,,",
            "R1,S1,One,Trust,2025-03-05,2025-03,1,SB",
            "R1,S1,One,Trust,2025-04-05,2025-04,3,SB",
            "R1,S1,One,Trust,2025-05-05,2025-05,3,SB",
            "R2,S2,Two,Trust,2025-06-05,2025-06,1,SB",
        ],
        bom=True,
        newline="\r\n",
    )
    births = _write(tmp_path / "births.csv", [BIRTHS_HEADER, *_births_lines("S1"), *_births_lines("S2")])
    # Events and Denom do not agree with Ref_Rate: informational, not a reason to refuse.
    rates = _write(tmp_path / "rates.csv", ["Year,Events,Denom,Ref_Rate,Source", "2022-2024,1,1,0.002,national"])
    return {"events_path": events, "births_path": births, "reference_rates_path": rates}


# --- perinatal moss -----------------------------------------------------------------------------------


def test_moss_worked_example(moss_files):
    output = moss_from_files(**moss_files)
    assert output.columns == MOSS_COLUMNS
    assert output.warnings == ()
    s1 = [row for row in output.rows if row["site_code"] == "S1"]
    assert [row["events"] for row in s1] == EXAMPLE["counts"]
    assert [row["cusum"] for row in s1] == EXAMPLE["cusum"]
    assert [row["level"] for row in s1] == EXAMPLE["level"]
    assert [row["reset"] for row in s1] == EXAMPLE["reset"]


def test_moss_prints_the_worked_example(moss_files):
    lines = format_csv(moss_from_files(**moss_files)).splitlines()
    assert lines[0] == "site_code,month,events,expected,k,h1,h2,cusum,level,reset"
    assert lines[1:7] == [
        "S1,2025-01,2,0.42,0.6,1.6,3.4,1.4,0,0",
        "S1,2025-02,1,0.42,0.6,1.6,3.4,1.8,1,0",
        "S1,2025-03,1,0.42,0.6,1.6,3.4,2.2,1,0",
        "S1,2025-04,3,0.42,0.6,1.6,3.4,4.6,2,0",
        "S1,2025-05,3,0.42,0.6,1.6,3.4,2.4,1,1",
        "S1,2025-06,0,0.42,0.6,1.6,3.4,1.8,0,0",
    ]
    assert lines[7] == "S2,2025-01,0,0.42,0.6,1.6,3.4,0,0,0"
    assert lines[12] == "S2,2025-06,1,0.42,0.6,1.6,3.4,0.4,0,0"
    assert len(lines) == 13


def test_moss_json(moss_files):
    document = json.loads(format_json(moss_from_files(**moss_files)))
    assert document["method"] == "nhse-2026-04"
    first = document["rows"][3]
    assert first == {
        "site_code": "S1",
        "month": "2025-04",
        "events": 3,
        "expected": 0.42,
        "k": 0.6,
        "h1": 1.6,
        "h2": 3.4,
        "cusum": 4.6,
        "level": 2,
        "reset": 0,
    }


def test_moss_per_site_reference_rates(tmp_path, moss_files):
    moss_files["reference_rates_path"] = _write(
        tmp_path / "site_rates.csv",
        [RATES_HEADER, "S1,2022-2024,,,0.002,site", "S2,2022-2024,,,0.004,site"],
    )
    rows = moss_from_files(**moss_files).rows
    assert {row["site_code"]: row["expected"] for row in rows} == {"S1": 0.42, "S2": 0.83}


def test_moss_site_rate_file_rows_without_site_apply_to_every_site(tmp_path, moss_files):
    moss_files["reference_rates_path"] = _write(
        tmp_path / "mixed_rates.csv",
        [RATES_HEADER, ",2022-2024,,,0.002,national", "S2,2022-2024,,,0.004,site"],
    )
    rows = moss_from_files(**moss_files).rows
    assert {row["site_code"]: row["expected"] for row in rows} == {"S1": 0.42, "S2": 0.83}


def test_moss_site_without_denominator_is_a_warning(tmp_path, moss_files):
    moss_files["births_path"] = _write(tmp_path / "births_s1.csv", [BIRTHS_HEADER, *_births_lines("S1")])
    output = moss_from_files(**moss_files)
    assert {row["site_code"] for row in output.rows} == {"S1"}
    assert output.warnings == ("site S2, 2025: no term births for 2024 (denominator); not monitored",)


def test_moss_too_few_births_is_a_warning(tmp_path, moss_files):
    moss_files["births_path"] = _write(
        tmp_path / "births_small.csv",
        [BIRTHS_HEADER, *_births_lines("S1"), *_births_lines("S2", total=24)],
    )
    output = moss_from_files(**moss_files)
    assert {row["site_code"] for row in output.rows} == {"S1"}
    (warning,) = output.warnings
    assert warning.startswith("site S2, 2025: too few births to monitor")
    assert warning.endswith("listed as too few births to monitor")


def test_moss_missing_reference_period_is_a_warning(tmp_path, moss_files):
    moss_files["reference_rates_path"] = _write(tmp_path / "old_rates.csv", [RATES_HEADER, ",2021-2023,,,0.002,"])
    output = moss_from_files(**moss_files)
    assert output.rows == ()
    assert output.warnings == (
        "site S1, 2025: no reference rate for 2022-2024; not monitored",
        "site S2, 2025: no reference rate for 2022-2024; not monitored",
    )


def test_moss_sites_file_adds_names(tmp_path, moss_files):
    sites = _write(
        tmp_path / "sites.csv",
        ["Site_Code,Site_Name,Trust_Code,Trust_Name", "S1,Princess Royal,R1,Lakeside NHS Trust"],
    )
    moss_files["births_path"] = _write(tmp_path / "births_s2.csv", [BIRTHS_HEADER, *_births_lines("S2")])
    output = moss_from_files(**moss_files, sites_path=sites)
    assert output.columns == MOSS_COLUMNS + ("site_name", "trust_name")
    assert output.warnings == ("site S1 (Princess Royal), 2025: no term births for 2024 (denominator); not monitored",)
    assert output.rows[0]["site_name"] == "" and output.rows[0]["site_code"] == "S2"
    assert format_csv(output).splitlines()[0].endswith(",reset,site_name,trust_name")


def test_moss_column_names_are_matched_case_insensitively(tmp_path, moss_files):
    moss_files["reference_rates_path"] = _write(tmp_path / "lower.csv", ["year,ref_rate", "2022-2024,0.002"])
    assert len(moss_from_files(**moss_files).rows) == 12


@pytest.mark.parametrize(
    ("which", "lines", "line", "column", "message"),
    [
        ("events_path", [EVENTS_HEADER.replace("event_count", "count")], 1, "event_count", "missing column"),
        ("events_path", [EVENTS_HEADER, "R1,S1,One,T,2025-01-05,2025-01,two,SB"], 2, "event_count", "not a number"),
        ("events_path", [EVENTS_HEADER, "R1,S1,One,T,2025-01-05,2025-01,1.5,SB"], 2, "event_count", "whole number"),
        ("events_path", [EVENTS_HEADER, "R1,S1,One,T,2025-01-05,2025-01,-1,SB"], 2, "event_count", "less than 0"),
        ("events_path", [EVENTS_HEADER, "", "R1,S1,One,T,2025-01-05,2025/01,1,SB"], 3, "year_month", "YYYY-MM"),
        ("events_path", [EVENTS_HEADER, "R1,S1,One,T,2025-02-30,2025-02,1,SB"], 2, "test_date", "not a real date"),
        (
            "events_path",
            [EVENTS_HEADER, "R1,S1,One,T,2025.01.05,2025-01,1,SB"],
            2,
            "test_date",
            "YYYY-MM-DD or DD/MM/YYYY",
        ),
        ("events_path", [EVENTS_HEADER, "R1,,One,T,2025-01-05,2025-01,1,SB"], 2, "Site_Code", "is empty"),
        (
            "events_path",
            [EVENTS_HEADER, "R1,S1,One,T,2025-01-05,2025-01,1"],
            2,
            None,
            "has 7 fields but the header has 8",
        ),
        ("events_path", [EVENTS_HEADER, "R1,S1,One,T,2025-01-05,2025-01,1,SB,extra"], 2, None, "has 9 fields"),
        ("births_path", [BIRTHS_HEADER, "S1,31/01/2024,abc,200,2024"], 2, "Term_Births", "not a number"),
        ("births_path", [BIRTHS_HEADER, "S1,31/01/2024,200,200,24"], 2, "Year", "YYYY"),
        ("births_path", [BIRTHS_HEADER, "S1,2024-01,200,200,2024"], 2, "Period", "not a date"),
        ("births_path", ["Site_Code,Period,Term_Births"], 1, "Year", "missing column"),
        ("reference_rates_path", [RATES_HEADER, "S1,2024,1,1,0.002,x"], 2, "Year", "3-year period"),
        ("reference_rates_path", [RATES_HEADER, "S1,2022-2025,1,1,0.002,x"], 2, "Year", "3-year period"),
        ("reference_rates_path", [RATES_HEADER, "S1,2022-2024,1,1,nan,x"], 2, "Ref_Rate", "not a number"),
        (
            "reference_rates_path",
            [RATES_HEADER, "S1,2022-2024,1,1,0.002,x", "S1,2022-2024,1,1,0.003,y"],
            3,
            "Year",
            "first is on line 2",
        ),
        ("reference_rates_path", ["Year,Ref_Rate,ref_rate", "2022-2024,0.002,0.002"], 1, "Ref_Rate", "more than once"),
    ],
)
def test_moss_malformed_files_name_the_line(tmp_path, moss_files, which, lines, line, column, message):
    moss_files[which] = _write(tmp_path / "bad.csv", lines)
    with pytest.raises(InputFileError) as raised:
        moss_from_files(**moss_files)
    error = raised.value
    assert (error.path, error.line, error.column) == (str(tmp_path / "bad.csv"), line, column)
    assert message in error.message
    assert str(error).startswith(f"{tmp_path / 'bad.csv'}, line {line}")


def test_moss_sites_file_duplicate(tmp_path, moss_files):
    sites = _write(tmp_path / "sites.csv", ["Site_Code,Site_Name", "S1,One", "S1,Uno"])
    with pytest.raises(InputFileError, match="line 3, column Site_Code: S1 is also on line 2"):
        moss_from_files(**moss_files, sites_path=sites)


# --- reading files: what every command shares -----------------------------------------------------------


def test_physical_line_numbers_count_blank_lines_and_multiline_fields(tmp_path):
    path = _write(tmp_path / "spc.csv", ["date,value", "", "2024-01-01,1", '"2024-01-02",2', "2024-01-03,x"])
    with pytest.raises(InputFileError) as raised:
        spc_from_file(path=path)
    assert (raised.value.line, raised.value.column) == (5, "value")
    path = _write(tmp_path / "funnel.csv", ["group,numerator,denominator", '"two\nline group",1,2', "b,x,2"])
    with pytest.raises(InputFileError) as raised:
        funnel_from_file(path=path)
    assert raised.value.line == 4


def test_empty_file(tmp_path):
    path = _write(tmp_path / "empty.csv", [])
    path.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty.csv, line 1: is empty"):
        spc_from_file(path=path)


def test_header_only_file(tmp_path):
    path = _write(tmp_path / "header.csv", ["date,value"])
    with pytest.raises(InputFileError, match="has no rows of data"):
        spc_from_file(path=path)


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="cannot be read") as raised:
        spc_from_file(path=tmp_path / "nowhere.csv")
    assert raised.value.line is None


def test_not_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("date,value\n2024-01-01,1\n2024-01-02,caf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match="latin1.csv, line 3: is not UTF-8") as raised:
        spc_from_file(path=path)
    assert raised.value.line == 3


def test_bad_quoting(tmp_path):
    path = _write(tmp_path / "quotes.csv", ["date,value", '2024-01-01,"1"x'])
    with pytest.raises(InputFileError, match="line 2: is not valid CSV"):
        spc_from_file(path=path)


def test_trailing_empty_fields_are_harmless(tmp_path):
    lines = ["date,value,", *[f"2024-01-{day:02d},{day % 3}," for day in range(1, 13)], ",,"]
    output = spc_from_file(path=_write(tmp_path / "spc.csv", lines))
    assert len(output.rows) == 12


# --- perinatal spc --------------------------------------------------------------------------------------


def _spc_lines(values):
    """A daily series from 1 January 2024."""
    start = date(2024, 1, 1)
    return [
        "date,value",
        *[f"{(start + timedelta(days=index)).isoformat()},{value}" for index, value in enumerate(values)],
    ]


def test_spc_output(tmp_path):
    path = _write(tmp_path / "spc.csv", _spc_lines([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), bom=True, newline="\r\n")
    output = spc_from_file(path=path)
    assert output.columns == SPC_COLUMNS
    lines = format_csv(output).splitlines()
    assert lines[0] == "date,value,mean,lpl,upl,special_cause,point_type"
    # 1…10: mean 5.5, limits 5.5 ± 2.66; 1 and 10 are outside; the rising run is a trend.
    assert lines[1] == "2024-01-01,1,5.5,2.84,8.16,below_lower_limit,concern"
    assert lines[5] == "2024-01-05,5,5.5,2.84,8.16,trend_increasing,improvement"
    assert lines[10] == "2024-01-10,10,5.5,2.84,8.16,above_upper_limit,improvement"
    document = json.loads(format_json(output))
    assert document["variation"] == "improvement"
    assert document["assurance"] is None
    assert document["trial_limits"] is True
    assert document["segments"][0]["points"] == 10
    assert document["rows"][0]["lpl"] == 2.84


def test_spc_options(tmp_path):
    values = [1, 3] * 6 + [11, 13] * 6
    path = _write(tmp_path / "spc.csv", _spc_lines(values))
    output = spc_from_file(
        path=path, improvement="decrease", target=6.0, rebase=["2024-01-13"], fix_after=12, screen_outliers=False
    )
    document = json.loads(format_json(output))
    assert [segment["start"] for segment in document["segments"]] == ["2024-01-01", "2024-01-13"]
    assert document["assurance"] == "consistent_fail"
    assert document["trial_limits"] is False
    assert document["improvement"] == "decrease"
    assert output.rows[12]["mean"] == 12
    assert spc_from_file(path=path, rebase=[date(2024, 1, 13)]).rows == output.rows


def test_spc_duplicate_date_names_both_lines(tmp_path):
    path = _write(tmp_path / "spc.csv", ["date,value", "2024-01-01,1", "2024-01-02,2", "2024-01-01,3"])
    with pytest.raises(InputFileError) as raised:
        spc_from_file(path=path)
    assert (raised.value.line, raised.value.column) == (4, "date")
    assert "2024-01-01 is also on line 2" in raised.value.message


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("01/02/2024,1", "date", "YYYY-MM-DD"),
        ("2024-13-01,1", "date", "not a real date"),
        ("2024-01-20,", "value", "is empty"),
        ("2024-01-20,1,5", None, "fields"),
        ("2024-01-20,1e999", "value", "too large"),
        ("2024-01-20,inf", "value", "not a number"),
        ("2024-01-20,1_000", "value", "not a number"),
    ],
)
def test_spc_malformed_rows(tmp_path, row, column, message):
    path = _write(tmp_path / "spc.csv", ["date,value", "2024-01-01,1", row])
    with pytest.raises(InputFileError) as raised:
        spc_from_file(path=path)
    assert (raised.value.line, raised.value.column) == (3, column)
    assert message in raised.value.message


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fix_after": 11}, "at least 12"),
        ({"rebase": ["2030-01-01"]}, "rebase date 2030-01-01"),
        ({"rebase": ["1 Jan 2024"]}, "YYYY-MM-DD"),
        ({"improvement": "up"}, "improvement"),
    ],
)
def test_spc_option_errors_are_value_errors(tmp_path, options, message):
    path = _write(tmp_path / "spc.csv", _spc_lines([1, 3] * 10))
    with pytest.raises(ValueError, match=message):
        spc_from_file(path=path, **options)


# --- perinatal funnel ----------------------------------------------------------------------------------


def test_funnel_ratio_output(tmp_path):
    path = _write(
        tmp_path / "funnel.csv",
        ["group,numerator,denominator", "a,10,15", "b,60,20", "a,5,0", "c,0,30"],
    )
    output = funnel_from_file(path=path, funnel_type="ratio")
    assert output.columns == FUNNEL_COLUMNS
    rows = {row["group"]: row for row in output.rows}
    assert list(rows) == ["a", "b", "c"]
    assert (rows["a"]["numerator"], rows["a"]["denominator"], rows["a"]["value"]) == (15, 15, 1.0)
    assert rows["a"]["lower_95"] == pytest.approx(0.5596924, rel=5e-7)
    assert (rows["a"]["outlier_95"], rows["b"]["outlier_998"], rows["c"]["outlier_998"]) == (0, 1, 1)
    lines = format_csv(output).splitlines()
    assert lines[0] == ",".join(FUNNEL_COLUMNS)
    assert lines[1].startswith("a,15,15,1,0.5596924")
    document = json.loads(format_json(output))
    assert document["type"] == "ratio" and document["target"] == 1
    assert document["overdispersion_adjusted"] is False


def test_funnel_proportion_with_overdispersion(tmp_path):
    numerators = [20, 30, 35, 38, 40, 40, 42, 45, 50, 55, 80]
    lines = ["group,numerator,denominator", *[f"t{index},{count},400" for index, count in enumerate(numerators)]]
    output = funnel_from_file(path=_write(tmp_path / "funnel.csv", lines), overdispersion=True, target=0.1)
    document = json.loads(format_json(output))
    assert document["overdispersion_requested"] is True
    assert document["overdispersion_adjusted"] is True
    assert document["tau2"] > 0
    assert document["groups_in_estimate"] == 11
    assert output.rows[0]["value"] == 0.05


def test_funnel_default_target_is_the_pooled_proportion(tmp_path):
    path = _write(tmp_path / "funnel.csv", ["group,numerator,denominator", "a,10,100", "b,30,100"])
    assert json.loads(format_json(funnel_from_file(path=path)))["target"] == 0.2


@pytest.mark.parametrize(
    ("funnel_type", "rows", "line", "column", "message"),
    [
        ("proportion", ["a,11,10"], 2, "numerator", "more than the denominator"),
        ("proportion", ["a,1.5,10"], 2, "numerator", "whole number"),
        ("proportion", ["a,1,10", "b,0,0"], 3, "denominator", "adds up to 0"),
        ("ratio", ["a,1,0", "a,2,0"], 2, "denominator", "adds up to 0"),
        ("ratio", ["a,-1,5"], 2, "numerator", "less than 0"),
        ("ratio", [",1,5"], 2, "group", "is empty"),
    ],
)
def test_funnel_malformed_rows(tmp_path, funnel_type, rows, line, column, message):
    path = _write(tmp_path / "funnel.csv", ["group,numerator,denominator", *rows])
    with pytest.raises(InputFileError) as raised:
        funnel_from_file(path=path, funnel_type=funnel_type)
    assert (raised.value.line, raised.value.column) == (line, column)
    assert message in raised.value.message


def test_funnel_unknown_type(tmp_path):
    path = _write(tmp_path / "funnel.csv", ["group,numerator,denominator", "a,1,2"])
    with pytest.raises(ValueError, match="proportion or ratio"):
        funnel_from_file(path=path, funnel_type="rate")


# --- printing -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.4, "1.4"),
        (0.14162380252, "0.14162380252"),
        (2.0, "2"),
        (0.0, "0"),
        (3, "3"),
        (True, "1"),
        (False, "0"),
        (1 / 3, "0.3333333333333333"),
        (0.1 + 0.2, "0.30000000000000004"),
        (30 / 7, "4.285714285714286"),
        (-0.66, "-0.66"),
        (1e20, "1e+20"),
        (2.5e-10, "2.5e-10"),
    ],
)
def test_format_number(value, text):
    assert format_number(value) == text
    assert float(text) == value


def test_format_number_refuses_non_finite():
    with pytest.raises(ValueError):
        format_number(float("nan"))
