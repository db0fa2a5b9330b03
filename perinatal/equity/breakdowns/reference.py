"""Reference implementation of the equity breakdowns, record by record, in plain Python
(docs/rules/equity.md §1–§2).

The independent computation that the SQL engine (equity.engine) is tested against. It counts
each group with the dashboard's reference implementation (dashboard.metrics.reference.tally_births,
written straight from docs/rules/dashboard.md §3), given only that group's records:

- babies: the birth rows whose own ethnic group and quintile are the group's;
- mothers: the birth rows of the women whose rows, at that trust in the period, all agree on
  the group in each dimension (else `Not stated` in that dimension).

Trusts are rolled up to ICBs, regions and England by `org_of` on the period's end date. Records
may be the dataclasses of `perinatal.dashboard.datasets` or mappings with the same field names.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from perinatal.dashboard.datasets.row_rules import attribute
from perinatal.dashboard.metrics.definitions import STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS, metric_definitions
from perinatal.dashboard.metrics.periods import Period, is_provisional
from perinatal.dashboard.metrics.reference import tally_births
from perinatal.dashboard.metrics.rows import (
    LEVEL_ICB,
    LEVEL_NATIONAL,
    LEVEL_REGION,
    LEVEL_TRUST,
    NATIONAL_CODE,
    NATIONAL_NAME,
)
from perinatal.kernel.london_time import LONDON, to_utc

from .blocks import block_rows, sort_equity_rows
from .groups import Group, collapsed, mother_group, stored_group
from .public import public_rows
from .rows import DIMENSION_ETHNIC_GROUP, METRIC_IDS, EquityRow

OrgOf = Callable[[str, date], tuple[str, str]]
OrgName = Callable[[str, str], str]
BABY_METRICS = ("stillbirth_rate", "neonatal_mortality_rate")
MOTHER_METRIC = "pph_1500_rate"


def _no_name(level: str, code: str) -> str:
    return ""


def _own_group(birth: Any) -> Group:
    return stored_group(attribute(birth, "ethnic_group"), attribute(birth, "imd_quintile"))


def mothers_groups(births: Iterable[Any], *, period: Period) -> dict[tuple[str, str], Group]:
    """(trust, mother_id) -> the mother's full group, from her rows at that trust in the period."""
    rows: dict[tuple[str, str], list[tuple[Any, Any]]] = {}
    for birth in births:
        if period.contains_date(attribute(birth, "born_on")):
            key = (attribute(birth, "trust_code"), attribute(birth, "mother_id"))
            rows.setdefault(key, []).append((attribute(birth, "ethnic_group"), attribute(birth, "imd_quintile")))
    return {key: mother_group(pairs) for key, pairs in rows.items()}


def trust_counts(
    *, births: Sequence[Any], period: Period, stillbirth_denominator: str
) -> dict[str, dict[str, dict[Group, tuple[int, int]]]]:
    """metric_id -> trust -> full group -> (numerator, denominator), each group counted by the
    dashboard's reference on that group's records alone."""
    in_period = [b for b in births if period.contains_date(attribute(b, "born_on"))]
    mothers = mothers_groups(in_period, period=period)
    groups = {_own_group(b) for b in in_period} | set(mothers.values())
    counts: dict[str, dict[str, dict[Group, tuple[int, int]]]] = {metric: {} for metric in METRIC_IDS}
    for group in sorted(groups):
        babies = [b for b in in_period if _own_group(b) == group]
        women = [b for b in in_period if mothers[(attribute(b, "trust_code"), attribute(b, "mother_id"))] == group]
        for metric_id, records in (*((m, babies) for m in BABY_METRICS), (MOTHER_METRIC, women)):
            tallies = tally_births(births=records, period=period, stillbirth_denominator=stillbirth_denominator)
            for trust, tally in tallies.get(metric_id, {}).items():
                counts[metric_id].setdefault(trust, {})[group] = (int(tally.numerator), tally.denominator)
    return counts


def compute_equity_reference(
    *,
    date_from: date,
    date_to: date,
    now: datetime,
    org_of: OrgOf,
    births: Iterable[Any] = (),
    trust_codes: Iterable[str] = (),
    org_name: OrgName = _no_name,
    by: Sequence[str] = (DIMENSION_ETHNIC_GROUP,),
    stillbirth_denominator: str = STILLBIRTH_DENOMINATOR_TOTAL_BIRTHS,
    public: bool = False,
) -> list[EquityRow]:
    """Every breakdown row for `[date_from, date_to]`, every level, in docs/rules/equity.md §1's
    order. A trust has rows when it appears in a birth record or in `trust_codes`; England
    always has rows. `now` (time-zone aware) marks provisional periods."""
    period = Period(date_from, date_to)
    records = list(births)
    trusts = set(trust_codes) | {attribute(b, "trust_code") for b in records}
    today = to_utc(now).astimezone(LONDON).date()
    counts = trust_counts(births=records, period=period, stillbirth_denominator=stillbirth_denominator)
    rows: list[EquityRow] = []
    for definition in metric_definitions(stillbirth_denominator=stillbirth_denominator):
        if definition.id not in METRIC_IDS:
            continue
        per_org: dict[tuple[str, str], dict[Group, list[int]]] = {(LEVEL_NATIONAL, NATIONAL_CODE): {}}
        for trust in sorted(trusts):
            icb, region = org_of(trust, period.end)
            keys = [(LEVEL_TRUST, trust), (LEVEL_ICB, icb), (LEVEL_REGION, region), (LEVEL_NATIONAL, NATIONAL_CODE)]
            for key in keys:
                cells = per_org.setdefault(key, {})
                for group, (numerator, denominator) in counts[definition.id].get(trust, {}).items():
                    cell = cells.setdefault(collapsed(group, by=by), [0, 0])
                    cell[0] += numerator
                    cell[1] += denominator
        provisional = is_provisional(period_end=period.end, today=today, provisional_days=definition.provisional_days)
        for (level, code), cells in per_org.items():
            rows.extend(
                block_rows(
                    definition=definition,
                    org_level=level,
                    org_code=code,
                    org_name=NATIONAL_NAME if level == LEVEL_NATIONAL else org_name(level, code),
                    period=period,
                    counts=cells,
                    by=by,
                    provisional=provisional,
                )
            )
    rows = sort_equity_rows(rows)
    return public_rows(rows, by=by) if public else rows
