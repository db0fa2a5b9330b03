"""The counting of the equity breakdowns, done by the database (docs/rules/equity.md §1).

Two SQL queries over the stored births, each grouped by period, trust, ethnic group and IMD
quintile (NULL is `Not stated`), with exactly the dashboard's inclusion rules (the SQL
fragments of dashboard.engine.queries, docs/rules/dashboard.md §3.4–3.6):

- babies (stillbirths, neonatal deaths) are counted in the group on their own row;
- mothers (PPH ≥ 1,500 ml: a woman once per trust and period) are first gathered per trust,
  period and mother (her identifier compared byte by byte, as the dashboard's distinct
  mothers are: the same groups, without PostgreSQL's collation), and take the group her rows
  all agree on in each dimension, else `Not stated` (docs/rules/equity.md §1 **policy**).

Both run the same on SQLite and PostgreSQL. The counts are of the full groups (both
dimensions); a breakdown by one dimension adds them up (equity.engine.compute).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from perinatal.dashboard.engine.queries import (
    HAEMORRHAGE_SQL,
    BabyCounts,
    Bounds,
    Tallies,
    add_count,
    born_between,
    bytewise,
    days_cte,
    fetch,
    in_trusts,
    table_name,
)
from perinatal.dashboard.models import BirthRecord
from perinatal.equity.breakdowns.groups import Group, stored_group

#: Each count is kept under "<metric_id>|<ethnic group>|<quintile>", so that the dashboard's
#: tally cache (dashboard.engine.tally_cache) can keep them as it keeps the metrics' counts.
SEPARATOR = "|"


def tally_key(metric_id: str, group: Group) -> str:
    return SEPARATOR.join((metric_id, *group))


def split_key(key: str) -> tuple[str, Group]:
    metric_id, ethnic_group, imd_quintile = key.split(SEPARATOR)
    return metric_id, (ethnic_group, imd_quintile)


def _agreed(column: str) -> str:
    """The value a mother's rows all give in `column`, else NULL (an empty row disagrees)."""
    return f"CASE WHEN COUNT({column}) = COUNT(*) AND MIN({column}) = MAX({column}) THEN MIN({column}) END"


def tally_equity_births(
    *, periods: Sequence[Bounds], stillbirth_denominator: str, trust_ids: Collection[int] | None
) -> Tallies:
    """Stillbirths, neonatal deaths and PPH ≥ 1,500 ml per period, trust of birth and full
    group (docs/rules/equity.md §1), keyed by `tally_key`."""
    tallies: Tallies = {}
    if not periods:
        return tallies
    cte, cte_params = days_cte(periods)
    range_filter, range_params = born_between(periods)
    trust_filter, trust_params = in_trusts("trust_id", trust_ids)
    params = [*cte_params, *range_params, *trust_params]
    births = table_name(BirthRecord)
    baby = BabyCounts.of(stillbirth_denominator)
    babies = f"""
        WITH {cte}
        SELECT d.idx, trust_id, ethnic_group, imd_quintile, {baby.sums}
        FROM {births} JOIN d ON born_on = d.day
        WHERE {range_filter}{trust_filter}
        GROUP BY d.idx, trust_id, ethnic_group, imd_quintile
    """
    for idx, trust, ethnic_group, quintile, stillbirths, population, deaths, live in fetch(babies, params):
        group = stored_group(ethnic_group, quintile)
        add_count(tallies, tally_key("stillbirth_rate", group), idx, trust, stillbirths, population)
        add_count(tallies, tally_key("neonatal_mortality_rate", group), idx, trust, deaths, live)
    mothers = f"""
        WITH {cte},
        m AS (
            SELECT d.idx AS idx, trust_id, {_agreed("ethnic_group")} AS ethnic_group,
                {_agreed("imd_quintile")} AS imd_quintile,
                MAX(CASE WHEN {HAEMORRHAGE_SQL} THEN 1 ELSE 0 END) AS haemorrhage
            FROM {births} JOIN d ON born_on = d.day
            WHERE {range_filter}{trust_filter}
            GROUP BY d.idx, trust_id, {bytewise("mother_id")}
        )
        SELECT idx, trust_id, ethnic_group, imd_quintile, SUM(haemorrhage), COUNT(*)
        FROM m GROUP BY idx, trust_id, ethnic_group, imd_quintile
    """
    for idx, trust, ethnic_group, quintile, haemorrhages, women in fetch(mothers, params):
        key = tally_key("pph_1500_rate", stored_group(ethnic_group, quintile))
        add_count(tallies, key, idx, trust, haemorrhages, women)
    return tallies
