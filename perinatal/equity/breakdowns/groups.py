"""The groups of a breakdown (docs/rules/equity.md §1): which groups a `--by` choice gives and
in what order, the group of a stored birth row or of a mother, and the reference group.

A group is a pair (ethnic_group, imd_quintile); a dimension not broken down holds `All`.
With both dimensions the groups are the cross groups, ethnic group major and quintile minor
(**policy**: "one row per group of the chosen dimension(s)" — a group of both dimensions is a
pair; the one-dimension rows are what `--by ethnic_group` and `--by imd_quintile` give).
The total row (`All`, `All`) follows the groups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .rows import (
    ALL,
    BY_CHOICES,
    DIMENSION_ETHNIC_GROUP,
    DIMENSION_IMD_QUINTILE,
    ETHNIC_GROUPS,
    IMD_QUINTILES,
    NOT_STATED,
    REFERENCE_GROUP,
)

Group = tuple[str, str]  # (ethnic_group, imd_quintile)
TOTAL: Group = (ALL, ALL)


def checked_by(by: Sequence[str]) -> tuple[str, ...]:
    """`by` as one of BY_CHOICES (dimensions in their usual order, each once), else ValueError."""
    wanted = tuple(dict.fromkeys(by))
    chosen = tuple(d for d in (DIMENSION_ETHNIC_GROUP, DIMENSION_IMD_QUINTILE) if d in wanted)
    if not wanted or len(chosen) != len(wanted) or chosen not in BY_CHOICES:
        choices = " | ".join(",".join(choice) for choice in BY_CHOICES)
        raise ValueError(f"by must be {choices}, not {','.join(by) or 'nothing'}")
    return chosen


def groups_for(by: Sequence[str]) -> tuple[Group, ...]:
    """The groups of the breakdown in output order (docs/rules/equity.md §1), the total not included."""
    chosen = checked_by(by)
    ethnic = ETHNIC_GROUPS if DIMENSION_ETHNIC_GROUP in chosen else (ALL,)
    quintiles = IMD_QUINTILES if DIMENSION_IMD_QUINTILE in chosen else (ALL,)
    return tuple((group, quintile) for group in ethnic for quintile in quintiles)


def reference_group(by: Sequence[str]) -> Group:
    """`White`, quintile `5`, or with both `White` in quintile `5` (**policy**)."""
    chosen = checked_by(by)
    return (
        REFERENCE_GROUP[DIMENSION_ETHNIC_GROUP] if DIMENSION_ETHNIC_GROUP in chosen else ALL,
        REFERENCE_GROUP[DIMENSION_IMD_QUINTILE] if DIMENSION_IMD_QUINTILE in chosen else ALL,
    )


def is_compared(group: Group, *, by: Sequence[str]) -> bool:
    """A group compared with the reference: not the total, not the reference itself, and
    (**policy**, with both dimensions) `Not stated` in neither dimension."""
    return compared_with(group, reference=reference_group(by))


def compared_with(group: Group, *, reference: Group) -> bool:
    """is_compared, given the breakdown's reference group."""
    return group != TOTAL and group != reference and NOT_STATED not in group


def stored_group(ethnic_group: str | None, imd_quintile: int | str | None) -> Group:
    """The full (both dimensions) group of a stored birth row: an empty cell is `Not stated`."""
    return (
        NOT_STATED if ethnic_group in (None, "") else str(ethnic_group),
        NOT_STATED if imd_quintile in (None, "") else str(imd_quintile),
    )


def collapsed(group: Group, *, by: Sequence[str]) -> Group:
    """A full group as the breakdown shows it: a dimension not broken down becomes `All`."""
    chosen = checked_by(by)
    return (
        group[0] if DIMENSION_ETHNIC_GROUP in chosen else ALL,
        group[1] if DIMENSION_IMD_QUINTILE in chosen else ALL,
    )


def agreed(values: Iterable[str | int | None]) -> str | int | None:
    """A mother's value in one dimension: the value her rows all give, else None (`Not
    stated`; docs/rules/equity.md §1 **policy**). An empty row disagrees with a stated one."""
    seen = set(values)
    return next(iter(seen)) if len(seen) == 1 else None


def mother_group(rows: Iterable[tuple[str | None, int | str | None]]) -> Group:
    """The full group of a mother from her (ethnic_group, imd_quintile) rows: each dimension
    agreed on separately, so a mother with one ethnic group and two quintiles is in that
    ethnic group and in quintile `Not stated`."""
    pairs = list(rows)
    return stored_group(agreed(pair[0] for pair in pairs), agreed(pair[1] for pair in pairs))
