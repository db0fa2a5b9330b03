"""Reference implementation of every dashboard metric, record by record, in plain Python.

Spec: docs/rules/dashboard.md §2–§4. This is the independent computation that the production (SQL)
engine is tested against, so it is written straight from the spec text, one record at a
time, without indexes or cleverness; its thresholds are written out here from docs/rules/dashboard.md §3 rather
than read from `definitions`, so a mistake in one is not copied into the other.

Records may be the dataclasses of `perinatal.dashboard.datasets` or mappings with the same
field names (e.g. database rows). Each trust's numerator and denominator are counted
first; ICBs, regions and England are the sums of their trusts' numerators and
denominators (never averages of rates), using the ICB and region `org_of` gives for the
trust on the period's end date.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any

from perinatal.dashboard.datasets.row_rules import attribute
from perinatal.kernel import clinical
from perinatal.kernel.london_time import LONDON, to_utc

from .definitions import (
    STILLBIRTH_DENOMINATOR_LIVE_BIRTHS,
    STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS,
    MetricDefinition,
    metric_definitions,
)
from .disclosure import apply_disclosure
from .periods import (
    PERIOD_FORTNIGHT,
    Period,
    episode_duration,
    episode_overlaps,
    episode_time_within,
    fortnight_series,
    induction_delay_instant,
    is_provisional,
    outcome_periods,
    survey_year_overlaps,
    unit_open_during,
)
from .rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
    MetricRow,
    build_row,
    sort_rows,
)

# docs/rules/dashboard.md §3 thresholds, as the spec states them.
GESTATION_24_WEEKS = clinical.GA_24_0_DAYS  # docs/rules/dashboard.md §3.4/3.5: GA ≥ 168 days
WEIGHT_400_G = clinical.WEIGHT_RULE_MIN_G  # docs/rules/dashboard.md §3.4/3.5: or GA unknown and weight ≥ 400 g
NEONATAL_LAST_DAY = clinical.NEONATAL_LAST_DAY  # docs/rules/dashboard.md §3.5: neonatal_death_on − born_on ≤ 27 days
PPH_THRESHOLD_ML = clinical.PPH_SEVERE_ML  # docs/rules/dashboard.md §3.6: blood_loss_ml ≥ 1,500
NEONATAL_CLOSURE_MINIMUM = timedelta(hours=24)  # docs/rules/dashboard.md §3.2: lasting ≥ 24 h
OPC_GESTATION_BELOW = clinical.GA_34_0_DAYS  # docs/rules/dashboard.md §3.7: GA < 238
CORD_CLAMPING_MINIMUM_SECONDS = 60
TEMPERATURE_LOW, TEMPERATURE_HIGH = Decimal("36.5"), Decimal("37.5")

#: A trust's ICB and region on a date: trust_code, period end -> (icb_code, region_code).
OrgOf = Callable[[str, date], tuple[str, str]]
#: The name of an organisation: (org_level, org_code) -> name.
OrgName = Callable[[str, str], str]


@dataclass
class Tally:
    """A numerator and denominator being counted."""

    numerator: int | Fraction = 0
    denominator: int = 0

    def add(self, numerator: int | Fraction, denominator: int) -> None:
        self.numerator += numerator
        self.denominator += denominator


#: metric_id -> trust_code -> Tally
Tallies = dict[str, dict[str, Tally]]


def _count(tallies: Tallies, metric_id: str, trust: str, numerator: int | Fraction, denominator: int) -> None:
    tallies.setdefault(metric_id, {}).setdefault(trust, Tally()).add(numerator, denominator)


def _yes(value: Any) -> bool:
    """A boolean cell that is known and 1; unknown (None) is not yes."""
    return value is not None and bool(value)


def _hours(duration: timedelta) -> Fraction:
    return Fraction(duration // timedelta(microseconds=1), 3_600_000_000)


# --- Operational metrics: one fortnight ------------------------------------------------
def tally_fortnight(
    *,
    units: Iterable[Any],
    unit_status: Iterable[Any],
    inductions: Iterable[Any],
    fortnight: Period,
    now: datetime,
) -> Tallies:
    """Metrics 1–3 and their sub-measures for one fortnight, per trust (docs/rules/dashboard.md §3.1–3.3)."""
    tallies: Tallies = {}
    episodes = list(unit_status)
    trusts_with_obstetric_unit_open: set[str] = set()
    for unit in units:
        if not unit_open_during(
            opened_on=attribute(unit, "opened_on"), closed_on=attribute(unit, "closed_on"), period=fortnight
        ):
            continue
        trust = attribute(unit, "trust_code")
        overlapping = [
            episode
            for episode in episodes
            if attribute(episode, "unit_code") == attribute(unit, "unit_code")
            and episode_overlaps(
                started_at=attribute(episode, "started_at"), ended_at=attribute(episode, "ended_at"), period=fortnight
            )
        ]
        if attribute(unit, "unit_type") == "obstetric":
            trusts_with_obstetric_unit_open.add(trust)
            suspended = [e for e in overlapping if attribute(e, "status") == "suspended"]
            hours = sum(
                (
                    _hours(
                        episode_time_within(
                            started_at=attribute(e, "started_at"),
                            ended_at=attribute(e, "ended_at"),
                            period=fortnight,
                            now=now,
                        )
                    )
                    for e in suspended
                ),
                Fraction(0),
            )
            _count(tallies, "obstetric_unit_suspensions", trust, 1 if suspended else 0, 1)
            _count(tallies, "obstetric_unit_suspensions.episodes", trust, len(suspended), 1)
            _count(tallies, "obstetric_unit_suspensions.hours", trust, hours, 1)
        elif attribute(unit, "unit_type") == "neonatal":
            long_closures = [
                e
                for e in overlapping
                if attribute(e, "status") in ("closed_external", "closed_internal")
                and episode_duration(
                    started_at=attribute(e, "started_at"), ended_at=attribute(e, "ended_at"), period=fortnight, now=now
                )
                >= NEONATAL_CLOSURE_MINIMUM
            ]
            statuses = {attribute(e, "status") for e in long_closures}
            _count(tallies, "neonatal_unit_suspensions", trust, 1 if long_closures else 0, 1)
            _count(tallies, "neonatal_unit_suspensions.external", trust, 1 if "closed_external" in statuses else 0, 1)
            _count(tallies, "neonatal_unit_suspensions.internal", trust, 1 if "closed_internal" in statuses else 0, 1)
    women = list(inductions)
    for trust in sorted(trusts_with_obstetric_unit_open):
        waited, delayed = 0, 0
        for woman in women:
            if attribute(woman, "trust_code") != trust:
                continue
            delay_at = induction_delay_instant(attribute(woman, "admitted_at"))
            if not fortnight.contains_instant(delay_at) or to_utc(delay_at) > to_utc(now):
                continue
            waited += 1
            started_at = attribute(woman, "started_at")
            if started_at is None or to_utc(started_at) > to_utc(delay_at):
                delayed += 1
        _count(tallies, "induction_delays", trust, 1 if delayed else 0, 1)
        _count(tallies, "induction_delays.women", trust, delayed, waited)
    return tallies


# --- Outcome metrics: one date range ---------------------------------------------------
def tally_births(*, births: Iterable[Any], period: Period, stillbirth_denominator: str) -> Tallies:
    """Stillbirth, neonatal mortality and PPH ≥ 1,500 ml, per trust of birth (docs/rules/dashboard.md §3.4–3.6)."""
    tallies: Tallies = {}
    largest_loss: dict[str, dict[str, int | None]] = {}  # trust -> mother -> largest known loss
    for birth in births:
        if not period.contains_date(attribute(birth, "born_on")):
            continue
        trust = attribute(birth, "trust_code")
        # docs/rules/dashboard.md §3.6: every birth row, any gestation or outcome, blood loss known or not
        mothers = largest_loss.setdefault(trust, {})
        mother, loss = attribute(birth, "mother_id"), attribute(birth, "blood_loss_ml")
        known = mothers.get(mother)
        mothers[mother] = loss if known is None else known if loss is None else max(known, loss)
        # docs/rules/dashboard.md §3.4/3.5: terminations excluded; GA ≥ 168, or GA unknown and weight ≥ 400 g
        if _yes(attribute(birth, "termination")):
            continue
        gestation, weight = attribute(birth, "gestation_days"), attribute(birth, "birth_weight_g")
        if gestation is not None:
            included = gestation >= GESTATION_24_WEEKS
        else:
            included = weight is not None and weight >= WEIGHT_400_G
        if not included:
            continue
        outcome = attribute(birth, "outcome")
        stillbirth = outcome == "stillbirth"
        live = outcome == "live"
        if stillbirth_denominator == STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS:
            in_denominator = live or stillbirth
        elif stillbirth_denominator == STILLBIRTH_DENOMINATOR_LIVE_BIRTHS:
            in_denominator = live
        else:
            raise ValueError(f"unknown stillbirth denominator {stillbirth_denominator!r}")
        _count(tallies, "stillbirth_rate", trust, 1 if stillbirth else 0, 1 if in_denominator else 0)
        if live:
            died_on = attribute(birth, "neonatal_death_on")
            neonatal_death = died_on is not None and (died_on - attribute(birth, "born_on")).days <= NEONATAL_LAST_DAY
            _count(tallies, "neonatal_mortality_rate", trust, 1 if neonatal_death else 0, 1)
    for trust, mothers in largest_loss.items():
        haemorrhages = sum(1 for loss in mothers.values() if loss is not None and loss >= PPH_THRESHOLD_ML)
        _count(tallies, "pph_1500_rate", trust, haemorrhages, len(mothers))
    return tallies


def tally_neonatal_care(*, neonatal_care: Iterable[Any], period: Period) -> Tallies:
    """Optimal perinatal care and each component, per trust of birth (docs/rules/dashboard.md §3.7)."""
    tallies: Tallies = {}
    for baby in neonatal_care:
        if not period.contains_date(attribute(baby, "born_on")):
            continue
        gestation = attribute(baby, "gestation_days")
        if gestation is None or gestation >= OPC_GESTATION_BELOW:
            continue
        trust = attribute(baby, "trust_code")
        cord = attribute(baby, "cord_clamping_seconds")
        temperature = attribute(baby, "admission_temperature_c")
        # component -> (eligible, met); an unknown value on an eligible component is not met
        components = {
            "steroids": (161 <= gestation < OPC_GESTATION_BELOW, _yes(attribute(baby, "antenatal_steroids"))),
            "magnesium": (gestation < 210, _yes(attribute(baby, "antenatal_magnesium"))),
            "nicu_birth": (gestation < 189, _yes(attribute(baby, "born_in_nicu_site"))),
            "cord_clamping": (
                gestation < OPC_GESTATION_BELOW,
                cord is not None and cord >= CORD_CLAMPING_MINIMUM_SECONDS,
            ),
            "temperature": (
                gestation < OPC_GESTATION_BELOW,
                temperature is not None
                and TEMPERATURE_LOW <= Decimal(str(temperature)) <= TEMPERATURE_HIGH
                and _yes(attribute(baby, "temperature_within_hour")),
            ),
            "breastmilk": (gestation < OPC_GESTATION_BELOW, _yes(attribute(baby, "breastmilk_day_1_2"))),
        }
        every_one_met = all(met for eligible, met in components.values() if eligible)
        _count(tallies, "optimal_perinatal_care", trust, 1 if every_one_met else 0, 1)
        for key, (eligible, met) in components.items():
            if eligible:
                _count(tallies, f"optimal_perinatal_care.{key}", trust, 1 if met else 0, 1)
    return tallies


def tally_survey(*, survey: Iterable[Any], period: Period) -> Tallies:
    """Considered making a complaint: Σ yes / Σ responses, unweighted (docs/rules/dashboard.md §3.8)."""
    tallies: Tallies = {}
    for row in survey:
        if attribute(row, "question") != "considered_complaint":
            continue
        if not survey_year_overlaps(survey_year=attribute(row, "survey_year"), period=period):
            continue
        _count(
            tallies,
            "considered_complaint",
            attribute(row, "trust_code"),
            attribute(row, "yes"),
            attribute(row, "responses"),
        )
    return tallies


# --- Rows and roll-up ------------------------------------------------------------------
def roll_up(
    *,
    definition: MetricDefinition,
    period: Period,
    per_trust: dict[str, Tally],
    org_of: OrgOf,
    org_name: OrgName,
    provisional: bool,
) -> list[MetricRow]:
    """Rows for every trust given, and for their ICBs, regions and England: sums of the
    trusts' numerators and denominators, each trust placed by `org_of` on the period's end."""
    totals: dict[tuple[str, str], Tally] = {(LEVEL_NATIONAL, NATIONAL_CODE): Tally()}
    for trust, tally in per_trust.items():
        icb, region = org_of(trust, period.end)
        for key in ((LEVEL_TRUST, trust), (LEVEL_ICB, icb), (LEVEL_REGION, region), (LEVEL_NATIONAL, NATIONAL_CODE)):
            totals.setdefault(key, Tally()).add(tally.numerator, tally.denominator)
    return [
        build_row(
            definition=definition,
            org_level=level,
            org_code=code,
            org_name=NATIONAL_NAME if level == LEVEL_NATIONAL else org_name(level, code),
            period=period,
            numerator=tally.numerator,
            denominator=tally.denominator,
            provisional=provisional,
        )
        for (level, code), tally in totals.items()
    ]


def _no_name(level: str, code: str) -> str:
    return ""


def compute_reference(
    *,
    date_from: date,
    date_to: date,
    now: datetime,
    org_of: OrgOf,
    units: Iterable[Any] = (),
    births: Iterable[Any] = (),
    neonatal_care: Iterable[Any] = (),
    unit_status: Iterable[Any] = (),
    inductions: Iterable[Any] = (),
    survey: Iterable[Any] = (),
    trust_codes: Iterable[str] = (),
    org_name: OrgName = _no_name,
    by: str | None = None,
    stillbirth_denominator: str = STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS,
    public: bool = False,
) -> list[MetricRow]:
    """Every metric for `[date_from, date_to]`, every level, in the docs/rules/dashboard.md §4 order.

    Operational metrics give one row per whole fortnight (docs/rules/dashboard.md §2); outcome and survey metrics
    one row per organisation for the range, or per month / quarter with `by`. A trust gets
    rows when it appears in any record or in `trust_codes` (zero denominators give empty
    values). `now` (time-zone aware) measures ongoing episodes and marks provisional
    periods; `public` applies public disclosure control (docs/rules/equity.md §2).
    """
    datasets = {
        name: list(records)
        for name, records in (
            ("units", units),
            ("births", births),
            ("neonatal_care", neonatal_care),
            ("unit_status", unit_status),
            ("inductions", inductions),
            ("survey", survey),
        )
    }
    trusts = set(trust_codes)
    for name, records in datasets.items():
        if name != "unit_status":
            trusts.update(attribute(record, "trust_code") for record in records)
    today = to_utc(now).astimezone(LONDON).date()
    definitions = metric_definitions(stillbirth_denominator=stillbirth_denominator)

    fortnight_tallies: list[tuple[Period, Tallies]] = [
        (
            fortnight,
            tally_fortnight(
                units=datasets["units"],
                unit_status=datasets["unit_status"],
                inductions=datasets["inductions"],
                fortnight=fortnight,
                now=now,
            ),
        )
        for fortnight in fortnight_series(date_from=date_from, date_to=date_to)
    ]
    outcome_tallies: list[tuple[Period, Tallies]] = []
    for period in outcome_periods(date_from=date_from, date_to=date_to, by=by):
        tallies: Tallies = {}
        tallies.update(
            tally_births(births=datasets["births"], period=period, stillbirth_denominator=stillbirth_denominator)
        )
        tallies.update(tally_neonatal_care(neonatal_care=datasets["neonatal_care"], period=period))
        tallies.update(tally_survey(survey=datasets["survey"], period=period))
        outcome_tallies.append((period, tallies))

    rows: list[MetricRow] = []
    for definition in definitions:
        periods = fortnight_tallies if definition.period_kind == PERIOD_FORTNIGHT else outcome_tallies
        for period, tallies in periods:
            counted = tallies.get(definition.id, {})
            per_trust = {trust: counted.get(trust, Tally()) for trust in trusts}
            rows.extend(
                roll_up(
                    definition=definition,
                    period=period,
                    per_trust=per_trust,
                    org_of=org_of,
                    org_name=org_name,
                    provisional=is_provisional(
                        period_end=period.end, today=today, provisional_days=definition.provisional_days
                    ),
                )
            )
    if public:
        by_id = {definition.id: definition for definition in definitions}
        rows = [apply_disclosure(row, definition=by_id[row.metric_id]) for row in rows]
    return sort_rows(rows)
