"""Demo data generator (perinatal.demo.generator): formats of docs/rules/dashboard.md §1, MOSS
events of docs/rules/surveillance.md §1.1, national rates of docs/rules/data-sources.md "Facts worth pinning"."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import hashlib
from pathlib import Path

import pytest

import perinatal.organisations
from perinatal.demo.generator import (
    SIGNAL_SITES,
    default_end,
    demo_period,
    generate,
    main,
)

REFERENCE_CSV = (
    Path(perinatal.organisations.__file__).resolve().parent / "reference_data" / "trusts-maternity-reference.csv"
)
DATASETS = ("units", "births", "neonatal_care", "unit_status", "inductions", "survey")
# Signal trusts, a merger (RVJ into RA7 on 1 July 2026) and a trust closing in the range (RAP).
SMALL_TRUSTS = ("R0A", "RDE", "RVJ", "RA7", "RAP")
SMALL = {"years": 3, "end": dt.date(2026, 10, 31), "seed": 11}
NATIONAL = {"years": 1, "end": dt.date(2025, 12, 31), "seed": 3}
TERM = 259


def read_trust_rows() -> list[dict[str, str]]:
    with open(REFERENCE_CSV, encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


def read(directory: Path, dataset: str) -> list[dict[str, str]]:
    with open(directory / f"{dataset}.csv", encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def digests(directory: Path) -> dict[str, str]:
    return {name: hashlib.sha256((directory / f"{name}.csv").read_bytes()).hexdigest() for name in DATASETS}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def trust_rows() -> list[dict[str, str]]:
    return read_trust_rows()


@pytest.fixture(scope="module")
def small(tmp_path_factory, trust_rows):
    out = tmp_path_factory.mktemp("small")
    summary = generate(out_dir=out, trusts_rows=trust_rows, trust_codes=SMALL_TRUSTS, **SMALL)
    return out, summary


@pytest.fixture(scope="module")
def small_data(small):
    out, _ = small
    return {name: read(out, name) for name in DATASETS}


@pytest.fixture(scope="module")
def national(tmp_path_factory, trust_rows):
    out = tmp_path_factory.mktemp("national")
    summary = generate(out_dir=out, trusts_rows=trust_rows, **NATIONAL)
    return out, summary


def read_tuples(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    """Header and rows as tuples (faster than dicts for the national file)."""
    with open(path, encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        return header, [tuple(row) for row in reader]


@pytest.fixture(scope="module")
def national_births(national):
    out, _ = national
    return read_tuples(out / "births.csv")


# --- Period and command ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "end", "start"),
    [
        (5, dt.date(2026, 10, 31), dt.date(2022, 1, 1)),
        (1, dt.date(2026, 10, 31), dt.date(2026, 1, 1)),
        (1, dt.date(2025, 12, 31), dt.date(2025, 1, 1)),
        (2, dt.date(2026, 1, 1), dt.date(2025, 1, 1)),
    ],
)
def test_period_counts_calendar_years_including_the_end_year(years, end, start):
    period = demo_period(years=years, end=end)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize("years", [0, -1])
def test_period_needs_at_least_one_year(years):
    with pytest.raises(ValueError, match="at least 1"):
        demo_period(years=years, end=dt.date(2026, 10, 31))


@pytest.mark.parametrize(
    ("today", "end"),
    [
        (dt.date(2026, 11, 27), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 1), dt.date(2026, 10, 31)),
        (dt.date(2026, 11, 30), dt.date(2026, 10, 31)),
        (dt.date(2026, 1, 15), dt.date(2025, 12, 31)),
        (dt.date(2026, 3, 1), dt.date(2026, 2, 28)),
        (dt.date(2024, 3, 10), dt.date(2024, 2, 29)),
    ],
)
def test_end_defaults_to_last_day_of_previous_month(today, end):
    assert default_end(today) == end


def test_command_defaults_end_to_last_day_of_previous_month(tmp_path, capsys):
    code = main(["--years", "1", "--seed", "2", "--out", str(tmp_path), "--trusts", "RDE"], today=dt.date(2026, 3, 15))
    assert code == 0
    assert "2026-01-01 to 2026-02-28" in capsys.readouterr().out
    born = [row["born_on"] for row in read(tmp_path, "births")]
    assert (min(born), max(born)) == ("2026-01-01", "2026-02-28")


def test_command_writes_what_generate_writes(tmp_path, trust_rows):
    main(
        [
            "--years",
            "1",
            "--end",
            "2025-06-30",
            "--seed",
            "4",
            "--out",
            str(tmp_path / "cli"),
            "--trusts",
            "RDE,RA7",
            "--reference",
            str(REFERENCE_CSV),
        ]
    )
    generate(
        years=1,
        end=dt.date(2025, 6, 30),
        seed=4,
        out_dir=tmp_path / "api",
        trusts_rows=trust_rows,
        trust_codes=["RDE", "RA7"],
    )
    assert digests(tmp_path / "cli") == digests(tmp_path / "api")


@pytest.mark.parametrize(
    "arguments",
    [
        ["--years", "0"],
        ["--years", "x"],
        ["--end", "2026-02-30"],
        ["--end", "31/10/2026"],
        ["--seed", "-1"],
        ["--trusts", "ZZZ"],
        ["--reference", "/nonexistent/trusts.csv"],
    ],
)
def test_command_refuses_bad_arguments(tmp_path, arguments):
    with pytest.raises(SystemExit) as exit_:
        main(["--out", str(tmp_path), "--trusts", "RDE", *arguments], today=dt.date(2026, 11, 27))
    assert exit_.value.code == 2


def test_unknown_trust_code_is_refused(tmp_path, trust_rows):
    with pytest.raises(ValueError, match="ZZZ"):
        generate(
            years=1,
            end=dt.date(2025, 1, 31),
            seed=1,
            out_dir=tmp_path,
            trusts_rows=trust_rows,
            trust_codes=["RDE", "ZZZ"],
        )


# --- Determinism ------------------------------------------------------------------------


def test_same_arguments_give_byte_identical_files(small, tmp_path, trust_rows):
    out, _ = small
    generate(out_dir=tmp_path, trusts_rows=trust_rows, trust_codes=SMALL_TRUSTS, **SMALL)
    assert digests(tmp_path) == digests(out)


def test_another_seed_gives_other_records_on_the_same_units(small, tmp_path, trust_rows):
    out, _ = small
    generate(out_dir=tmp_path, trusts_rows=trust_rows, trust_codes=SMALL_TRUSTS, **{**SMALL, "seed": 12})
    first, second = digests(out), digests(tmp_path)
    assert first["units"] == second["units"]  # sites and units are not random
    for name in DATASETS[1:]:
        assert first[name] != second[name], name


# --- Formats ------------------------------------------------------------------------------

HEADERS = {
    "units": "unit_code,site_code,trust_code,unit_type,neonatal_level,opened_on,closed_on",
    "births": "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,"
    "outcome,termination,neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,"
    "imd_quintile,onset_of_labour",
    "neonatal_care": "baby_id,trust_code,site_code,born_on,gestation_days,multiple_birth,"
    "antenatal_steroids,antenatal_magnesium,born_in_nicu_site,cord_clamping_seconds,"
    "admission_temperature_c,temperature_within_hour,breastmilk_day_1_2",
    "unit_status": "unit_code,status,started_at,ended_at",
    "inductions": "induction_id,trust_code,site_code,admitted_at,started_at",
    "survey": "trust_code,survey_year,question,responses,yes",
}


@pytest.mark.parametrize("dataset", DATASETS)
def test_header_is_exactly_the_spec_columns(small, dataset):
    out, summary = small
    content = (out / f"{dataset}.csv").read_bytes()
    assert content.startswith((HEADERS[dataset] + "\n").encode())
    assert summary.rows[dataset] == content.count(b"\n") - 1 > 0


@pytest.mark.parametrize("dataset", DATASETS)
def test_every_row_has_every_column(small_data, dataset):
    width = len(HEADERS[dataset].split(","))
    assert all(len(row) == width and None not in row for row in small_data[dataset])


@pytest.mark.parametrize(
    ("dataset", "key"),
    [
        ("units", ("unit_code",)),
        ("births", ("baby_id",)),
        ("neonatal_care", ("baby_id",)),
        ("unit_status", ("unit_code", "started_at")),
        ("inductions", ("induction_id",)),
        ("survey", ("trust_code", "survey_year", "question")),
    ],
)
def test_natural_keys_are_unique(small_data, dataset, key):
    keys = [tuple(row[k] for k in key) for row in small_data[dataset]]
    assert len(keys) == len(set(keys))


def test_units_rows_are_valid(small_data):
    units = small_data["units"]
    for row in units:
        assert row["unit_type"] in {"obstetric", "midwifery_led", "neonatal"}
        assert (row["neonatal_level"] in {"NICU", "LNU", "SCU"}) is (row["unit_type"] == "neonatal")
        assert row["neonatal_level"] == "" or row["unit_type"] == "neonatal"
        assert row["unit_code"].startswith(row["site_code"] + "-")
        assert row["site_code"].startswith(row["trust_code"]) or row["site_code"].startswith("RVJ")
        opened = day(row["opened_on"])
        assert row["closed_on"] == "" or day(row["closed_on"]) > opened
    sites = {row["site_code"] for row in units}
    assert {row["site_code"] for row in units if row["unit_type"] == "obstetric"} == sites
    assert {row["site_code"] for row in units if row["unit_type"] == "neonatal"} == sites


def test_births_rows_are_valid(small, small_data):
    _, summary = small
    units = {row["site_code"] for row in small_data["units"]}
    for row in small_data["births"]:
        born = day(row["born_on"])
        assert summary.period.start <= born <= summary.period.end
        assert row["site_code"] in units
        assert row["outcome"] in {"live", "stillbirth"}
        assert row["termination"] in {"0", "1"}
        assert row["termination"] == "0" or row["outcome"] == "stillbirth"
        assert row["multiple_birth"] in {"0", "1"}
        assert row["ethnic_group"] in {"White", "Black", "Asian", "Mixed", "Other", ""}
        assert row["imd_quintile"] in {"1", "2", "3", "4", "5", ""}
        assert row["onset_of_labour"] in {"spontaneous", "induced", "none"}
        assert row["mother_age"] == "" or 13 <= int(row["mother_age"]) <= 55
        assert row["blood_loss_ml"] == "" or 0 <= int(row["blood_loss_ml"]) <= 10_000
        if row["gestation_days"]:
            assert 154 <= int(row["gestation_days"]) <= 307  # 22+0 … 43+6
            assert row["birth_weight_g"] == "" or 250 <= int(row["birth_weight_g"]) <= 6_000
        else:  # unknown gestation: in births.csv only from 400 g
            assert int(row["birth_weight_g"]) >= 400
        if row["neonatal_death_on"]:
            assert row["outcome"] == "live"
            assert 0 <= (day(row["neonatal_death_on"]) - born).days <= 28
            assert day(row["neonatal_death_on"]) <= summary.period.end


def test_babies_of_one_delivery_share_mother_blood_loss_and_birth_details(small_data):
    deliveries = collections.defaultdict(list)
    for row in small_data["births"]:
        deliveries[row["mother_id"]].append(row)
    sizes = collections.Counter(len(babies) for babies in deliveries.values())
    assert set(sizes) <= {1, 2, 3}
    assert sizes[2] > 0
    for babies in deliveries.values():
        assert {b["multiple_birth"] for b in babies} == {"1" if len(babies) > 1 else "0"}
        for column in (
            "blood_loss_ml",
            "born_on",
            "site_code",
            "trust_code",
            "gestation_days",
            "mother_age",
            "ethnic_group",
            "imd_quintile",
            "onset_of_labour",
        ):
            assert len({b[column] for b in babies}) == 1, column


def test_neonatal_care_rows_match_live_births_below_34_weeks(small_data):
    births = {row["baby_id"]: row for row in small_data["births"]}
    nicu_sites = {row["site_code"] for row in small_data["units"] if row["neonatal_level"] == "NICU"}
    for row in small_data["neonatal_care"]:
        birth = births[row["baby_id"]]
        for column in ("trust_code", "site_code", "born_on", "gestation_days", "multiple_birth"):
            assert row[column] == birth[column], column
        assert birth["outcome"] == "live"
        assert int(row["gestation_days"]) < 238
        assert row["born_in_nicu_site"] == ("1" if row["site_code"] in nicu_sites else "0")
        for column in ("antenatal_steroids", "antenatal_magnesium", "temperature_within_hour", "breastmilk_day_1_2"):
            assert row[column] in {"0", "1", ""}
        assert row["cord_clamping_seconds"] == "" or 0 <= int(row["cord_clamping_seconds"]) <= 600
        temperature = row["admission_temperature_c"]
        assert temperature == "" or 30.0 <= float(temperature) <= 42.0
    admitted = {row["baby_id"] for row in small_data["neonatal_care"]}
    eligible = [
        b
        for b in births.values()
        if b["outcome"] == "live" and b["gestation_days"] and 168 <= int(b["gestation_days"]) < 238
    ]
    assert sum(b["baby_id"] in admitted for b in eligible) / len(eligible) > 0.95


CLOCK_CHANGE_DAYS = {"2024-03-31", "2024-10-27", "2025-03-30", "2025-10-26", "2026-03-29", "2026-10-25"}


def assert_local_time_names_one_instant(text: str) -> None:
    date_part, time_part = text.split("T")
    assert not (date_part in CLOCK_CHANGE_DAYS and time_part.startswith("01:")), text


def test_unit_status_rows_are_valid(small, small_data):
    _, summary = small
    unit_types = {row["unit_code"]: row for row in small_data["units"]}
    statuses = {
        "obstetric": {"suspended"},
        "midwifery_led": {"suspended"},
        "neonatal": {"closed_external", "closed_internal"},
    }
    period_end = dt.datetime.combine(summary.period.end + dt.timedelta(days=1), dt.time())
    by_unit = collections.defaultdict(list)
    for row in small_data["unit_status"]:
        unit = unit_types[row["unit_code"]]
        assert row["status"] in statuses[unit["unit_type"]]
        started = moment(row["started_at"])
        assert dt.datetime.combine(summary.period.start, dt.time()) <= started < period_end
        assert started.date() >= day(unit["opened_on"])
        assert unit["closed_on"] == "" or started.date() < day(unit["closed_on"])
        assert_local_time_names_one_instant(row["started_at"])
        if row["ended_at"]:
            assert moment(row["ended_at"]) > started
            assert_local_time_names_one_instant(row["ended_at"])
        by_unit[row["unit_code"]].append(row)
    for episodes in by_unit.values():  # a unit's episodes never overlap
        episodes.sort(key=lambda r: r["started_at"])
        for before, after in zip(episodes, episodes[1:], strict=False):
            assert before["ended_at"] and moment(before["ended_at"]) <= moment(after["started_at"])
    ongoing = [row for row in small_data["unit_status"] if row["ended_at"] == ""]
    assert len(ongoing) >= 2


def test_inductions_rows_are_valid(small, small_data):
    _, summary = small
    sites = {row["site_code"] for row in small_data["units"]}
    start = dt.datetime.combine(summary.period.start, dt.time())
    end = dt.datetime.combine(summary.period.end + dt.timedelta(days=1), dt.time())
    for row in small_data["inductions"]:
        assert row["site_code"] in sites
        admitted = moment(row["admitted_at"])
        assert start <= admitted < end
        assert_local_time_names_one_instant(row["admitted_at"])
        if row["started_at"]:
            assert admitted <= moment(row["started_at"]) < end
            assert_local_time_names_one_instant(row["started_at"])


def test_survey_rows_are_valid(small_data):
    years = collections.defaultdict(set)
    for row in small_data["survey"]:
        assert row["question"] == "considered_complaint"
        assert 100 <= int(row["responses"]) <= 400
        assert 0 <= int(row["yes"]) <= int(row["responses"])
        years[row["trust_code"]].add(int(row["survey_year"]))
    assert years["R0A"] == {2024, 2025, 2026}
    assert years["RAP"] == {2024}  # closed on 31 December 2024
    assert years["RVJ"] == {2024, 2025, 2026}  # open on 1 February 2026


def test_births_cover_the_whole_period(small, small_data):
    _, summary = small
    born = {row["born_on"] for row in small_data["births"]}
    assert min(born) == "2024-01-01" and max(born) == "2026-10-31"
    assert len(born) == summary.period.days


# --- Organisations over time --------------------------------------------------------------


def test_merged_trust_sites_name_the_receiving_trust_from_the_merger(small_data):
    for row in small_data["births"]:
        if row["site_code"].startswith("RVJ"):
            assert row["trust_code"] == ("RA7" if row["born_on"] >= "2026-07-01" else "RVJ")
    for row in small_data["inductions"]:
        if row["site_code"].startswith("RVJ"):
            assert row["trust_code"] == ("RA7" if row["admitted_at"] >= "2026-07-01" else "RVJ")
    rvj_units = [row for row in small_data["units"] if row["site_code"].startswith("RVJ")]
    assert rvj_units and all(row["trust_code"] == "RA7" and row["closed_on"] == "" for row in rvj_units)


def test_merged_trust_units_name_the_closing_trust_before_the_merger(tmp_path, trust_rows):
    generate(years=1, end=dt.date(2026, 6, 30), seed=1, out_dir=tmp_path, trusts_rows=trust_rows, trust_codes=["RVJ"])
    assert {row["trust_code"] for row in read(tmp_path, "units")} == {"RVJ"}
    assert {row["trust_code"] for row in read(tmp_path, "births")} == {"RVJ"}


def test_closed_trust_has_no_births_after_closing(small_data):
    rap_units = [row for row in small_data["units"] if row["trust_code"] == "RAP"]
    assert rap_units and {row["closed_on"] for row in rap_units} == {"2025-01-01"}
    rap_births = [row["born_on"] for row in small_data["births"] if row["trust_code"] == "RAP"]
    assert rap_births and max(rap_births) <= "2024-12-31"


# --- Outcome signals (MOSS events, docs/rules/surveillance.md §1.1) --------------------------------------


def term_event_rates(births, *, sites, split: str) -> tuple[float, float]:
    """Term (GA ≥ 259) stillbirths + neonatal deaths per term birth, terminations excluded,
    before and from `split` (a YYYY-MM-DD birth date), at the given sites.
    `births` is (header, rows as tuples)."""
    header, rows = births
    site_i, top_i, ga_i, born_i, out_i, nd_i = (
        header.index(name)
        for name in ("site_code", "termination", "gestation_days", "born_on", "outcome", "neonatal_death_on")
    )
    events = collections.Counter()
    term_births = collections.Counter()
    for row in rows:
        if row[site_i] not in sites or row[top_i] == "1" or not row[ga_i] or int(row[ga_i]) < TERM:
            continue
        part = row[born_i] >= split
        term_births[part] += 1
        events[part] += row[out_i] == "stillbirth" or row[nd_i] != ""
    return events[False] / term_births[False], events[True] / term_births[True]


def test_signal_sites_have_worse_recent_term_outcomes(small):
    out, summary = small
    births = read_tuples(out / "births.csv")
    present = ("R0A01", "RDE01")
    assert summary.signal_sites == present
    assert set(present) <= set(SIGNAL_SITES)
    assert summary.signal_from == dt.date(2026, 5, 1)
    before, recent = term_event_rates(births, sites=set(present), split="2026-05-01")
    assert 0.0010 < before < 0.0025
    assert recent > 2.0 * before
    others = set(summary.sites) - set(SIGNAL_SITES)
    before, recent = term_event_rates(births, sites=others, split="2026-05-01")
    assert recent < 1.6 * before


def test_signal_sites_stand_out_in_the_national_year(national, national_births):
    _, summary = national
    assert summary.signal_sites == SIGNAL_SITES
    assert summary.signal_from == dt.date(2025, 7, 1)
    before, recent = term_event_rates(national_births, sites=set(SIGNAL_SITES), split="2025-07-01")
    assert recent > 2.0 * before
    others = set(summary.sites) - set(SIGNAL_SITES)
    before, recent = term_event_rates(national_births, sites=others, split="2025-07-01")
    assert 0.8 < recent / before < 1.25


# --- National realism ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def national_rates(national, national_births):
    header, rows = national_births
    col = {name: i for i, name in enumerate(header)}
    ga_i, w_i, out_i, top_i = col["gestation_days"], col["birth_weight_g"], col["outcome"], col["termination"]
    nd_i, born_i, bl_i, m_i = col["neonatal_death_on"], col["born_on"], col["blood_loss_ml"], col["mother_id"]
    totals = collections.Counter()
    mothers = {}
    onset = {}
    for row in rows:
        ga = int(row[ga_i]) if row[ga_i] else None
        totals["babies"] += 1
        totals["known_ga"] += ga is not None
        totals["preterm"] += ga is not None and ga < TERM
        totals["ga_22_23"] += ga is not None and ga < 168
        totals["unknown_ga"] += ga is None
        loss = int(row[bl_i]) if row[bl_i] else -1
        mothers[row[m_i]] = max(mothers.get(row[m_i], -1), loss)
        onset[row[m_i]] = row[col["onset_of_labour"]]
        if row[top_i] == "1":
            continue
        included = ga >= 168 if ga is not None else row[w_i] != "" and int(row[w_i]) >= 400
        if not included:
            continue
        totals["total_births"] += 1
        if row[out_i] == "stillbirth":
            totals["stillbirths"] += 1
            totals["term_events"] += ga is not None and ga >= TERM
        else:
            totals["live_births"] += 1
            if row[nd_i] and (day(row[nd_i]) - day(row[born_i])).days <= 27:
                totals["neonatal_deaths"] += 1
                totals["term_events"] += ga is not None and ga >= TERM
        totals["term_births"] += ga is not None and ga >= TERM
    return {
        "babies": totals["babies"],
        "deliveries": len(mothers),
        "stillbirths_per_1000": 1000 * totals["stillbirths"] / totals["total_births"],
        "neonatal_deaths_per_1000": 1000 * totals["neonatal_deaths"] / totals["live_births"],
        "term_events_per_1000": 1000 * totals["term_events"] / totals["term_births"],
        "pph_per_1000": 1000 * sum(v >= 1500 for v in mothers.values()) / len(mothers),
        "preterm_pct": 100 * totals["preterm"] / totals["known_ga"],
        "ga_22_23_pct": 100 * totals["ga_22_23"] / totals["known_ga"],
        "unknown_ga_pct": 100 * totals["unknown_ga"] / totals["babies"],
        "multiple_deliveries_pct": 100 * (totals["babies"] - len(mothers)) / len(mothers),
        "induced_pct": 100 * sum(v == "induced" for v in onset.values()) / len(onset),
    }


@pytest.mark.parametrize(
    ("rate", "low", "high"),
    [
        ("babies", 500_000, 560_000),  # MSDS 2022-23: 537,125 babies
        ("deliveries", 495_000, 550_000),  # MSDS 2022-23: 531,000 deliveries
        ("stillbirths_per_1000", 2.95, 3.65),  # MBRRACE-UK 3.22–3.35
        ("neonatal_deaths_per_1000", 1.40, 1.90),  # MBRRACE-UK 1.63–1.69
        ("term_events_per_1000", 1.35, 1.85),  # MOSS reference ~1.6
        ("pph_per_1000", 27.0, 33.0),  # MSDS CQIM ~30
        ("preterm_pct", 7.0, 8.0),
        ("ga_22_23_pct", 0.2, 0.4),
        ("unknown_ga_pct", 0.1, 1.0),
        ("multiple_deliveries_pct", 1.2, 1.8),
        ("induced_pct", 32.0, 38.0),
    ],
)
def test_national_rates_are_close_to_published(national_rates, rate, low, high):
    assert low <= national_rates[rate] <= high


def test_optimal_perinatal_care_is_realistic(national):
    out, _ = national
    met = total = 0
    for row in read(out, "neonatal_care"):
        ga = int(row["gestation_days"])
        temperature = row["admission_temperature_c"]
        components = [
            ga < 161 or row["antenatal_steroids"] == "1",
            ga >= 210 or row["antenatal_magnesium"] == "1",
            ga >= 189 or row["born_in_nicu_site"] == "1",
            row["cord_clamping_seconds"] != "" and int(row["cord_clamping_seconds"]) >= 60,
            temperature != "" and 36.5 <= float(temperature) <= 37.5 and row["temperature_within_hour"] == "1",
            row["breastmilk_day_1_2"] == "1",
        ]
        met += all(components)
        total += 1
    assert 7_000 < total < 14_000
    assert 0.40 <= met / total <= 0.60


def test_induction_delays_are_realistic(national):
    out, summary = national
    rows = read(out, "inductions")
    end = dt.datetime.combine(summary.period.end + dt.timedelta(days=1), dt.time())
    delayed = not_started = 0
    for row in rows:
        admitted = moment(row["admitted_at"])
        started = moment(row["started_at"]) if row["started_at"] else None
        not_started += started is None
        delayed += started - admitted > dt.timedelta(hours=24) if started else end - admitted > dt.timedelta(hours=24)
    assert 0.10 <= delayed / len(rows) <= 0.20
    assert 1 <= not_started < 1_000


def test_unit_status_has_suspensions_and_closures_around_24_hours(national):
    out, summary = national
    rows = read(out, "unit_status")
    statuses = collections.Counter(row["status"] for row in rows)
    assert statuses["suspended"] > statuses["closed_external"] > statuses["closed_internal"] > 0
    minutes = [
        (moment(row["ended_at"]) - moment(row["started_at"])).total_seconds() / 60
        for row in rows
        if row["ended_at"] and row["status"] != "suspended"
    ]
    assert any(1_420 <= m < 1_440 for m in minutes)
    assert any(1_440 < m <= 1_460 for m in minutes)
    assert any(m == 1_440 for m in minutes)
    obstetric_units = {r["unit_code"] for r in read(out, "units") if r["unit_type"] == "obstetric"}
    fortnight_start = dt.datetime(2025, 12, 18)
    suspended = {
        row["unit_code"]
        for row in rows
        if row["unit_code"] in obstetric_units
        and moment(row["started_at"]) < dt.datetime(2026, 1, 1)
        and (row["ended_at"] == "" or moment(row["ended_at"]) > fortnight_start)
    }
    assert 0 < len(suspended) < 0.5 * len(obstetric_units)


def test_survey_is_realistic(national):
    out, summary = national
    rows = read(out, "survey")
    assert len(rows) == len({s[:3] for s in summary.sites})  # one row per trust for 2025
    share = sum(int(r["yes"]) for r in rows) / sum(int(r["responses"]) for r in rows)
    assert 0.25 <= share <= 0.35
