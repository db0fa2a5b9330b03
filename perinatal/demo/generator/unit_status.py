"""Episodes when a unit was closed to admissions (docs/rules/dashboard.md §1 `unit_status.csv`).

Per unit, episodes follow a Poisson process whose yearly rate differs between units (gamma
distributed); one episode ends before the next starts, so a unit's episodes never overlap
and (unit_code, started_at) is unique. Obstetric and midwifery-led units are `suspended`;
neonatal units are `closed_external` or, less often, `closed_internal`. Some neonatal
closures last just under or just over 24 hours (the threshold of metric 2), and
ONGOING_AT_END units have an episode still going on at the end (`ended_at` empty).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from perinatal.demo.synthetic_sites import (
    UNIT_TYPE_MIDWIFERY_LED,
    UNIT_TYPE_NEONATAL,
    UNIT_TYPE_OBSTETRIC,
    SyntheticUnit,
)

from . import parameters as p
from .clock_changes import MINUTES_PER_DAY, avoid_clock_change_hour
from .period import DemoPeriod

STATUS_SUSPENDED = "suspended"
STATUS_CLOSED_EXTERNAL = "closed_external"
STATUS_CLOSED_INTERNAL = "closed_internal"
EPISODE_PARAMETERS = {
    UNIT_TYPE_OBSTETRIC: p.OBSTETRIC_SUSPENSIONS,
    UNIT_TYPE_MIDWIFERY_LED: p.MIDWIFERY_SUSPENSIONS,
    UNIT_TYPE_NEONATAL: p.NEONATAL_CLOSURES,
}
MINUTES_PER_HOUR = 60
ONGOING_GAP_MINUTES = 60  # a forced ongoing episode starts at least this long after the last


@dataclass(frozen=True)
class StatusEpisode:
    unit_code: str
    status: str
    started_at: int  # minutes since period.start 00:00 local
    ended_at: int | None  # None = still going on at the end of the period


def _open_window(unit: SyntheticUnit, period: DemoPeriod) -> tuple[int, int]:
    first = max(0, period.day_index(unit.opened_on))
    last = period.days if unit.closed_on is None else min(period.days, period.day_index(unit.closed_on))
    return first * MINUTES_PER_DAY, last * MINUTES_PER_DAY


def _duration_minutes(rng: np.random.Generator, unit_type: str) -> int:
    _, median_hours, log_sd, min_hours, max_hours = EPISODE_PARAMETERS[unit_type]
    if unit_type == UNIT_TYPE_NEONATAL and rng.random() < p.NEAR_24_HOUR_SHARE:
        return int(rng.choice(np.array(p.NEAR_24_HOUR_MINUTES)))
    hours = float(np.clip(median_hours * np.exp(rng.normal(0.0, log_sd)), min_hours, max_hours))
    return int(round(hours * MINUTES_PER_HOUR))


def _status(rng: np.random.Generator, unit_type: str) -> str:
    if unit_type != UNIT_TYPE_NEONATAL:
        return STATUS_SUSPENDED
    return STATUS_CLOSED_INTERNAL if rng.random() < p.NEONATAL_INTERNAL_SHARE else STATUS_CLOSED_EXTERNAL


def _unit_episodes(rng: np.random.Generator, *, unit: SyntheticUnit, period: DemoPeriod) -> list[StatusEpisode]:
    window_start, window_end = _open_window(unit, period)
    period_end = period.days * MINUTES_PER_DAY
    mean_per_year = EPISODE_PARAMETERS[unit.unit_type][0]
    rate_per_year = rng.gamma(p.EPISODE_RATE_GAMMA_SHAPE, mean_per_year / p.EPISODE_RATE_GAMMA_SHAPE)
    mean_gap_minutes = p.DAYS_PER_YEAR * MINUTES_PER_DAY / max(rate_per_year, 1e-6)
    episodes = []
    cursor = window_start
    while True:
        start = cursor + int(rng.exponential(mean_gap_minutes))
        start = int(avoid_clock_change_hour(period, np.array([start]))[0])
        if start >= window_end:
            return episodes
        end = start + _duration_minutes(rng, unit.unit_type)
        end = int(avoid_clock_change_hour(period, np.array([end]))[0])
        end = min(end, window_end) if window_end < period_end else end
        status = _status(rng, unit.unit_type)
        episodes.append(StatusEpisode(unit.unit_code, status, start, None if end >= period_end else end))
        if end >= period_end:
            return episodes
        cursor = end


def _force_ongoing(
    rng: np.random.Generator, *, unit: SyntheticUnit, episodes: list[StatusEpisode], period: DemoPeriod
) -> list[StatusEpisode]:
    """Make sure the unit has an episode still going on at the end."""
    if episodes and episodes[-1].ended_at is None:
        return episodes
    period_end = period.days * MINUTES_PER_DAY
    proposed = period_end - int(rng.integers(6 * MINUTES_PER_HOUR, 36 * MINUTES_PER_HOUR))
    earliest = episodes[-1].ended_at + ONGOING_GAP_MINUTES if episodes else _open_window(unit, period)[0]
    start = int(avoid_clock_change_hour(period, np.array([max(proposed, earliest)]))[0])
    if start >= period_end:
        return episodes
    return [*episodes, StatusEpisode(unit.unit_code, _status(rng, unit.unit_type), start, None)]


def generate_unit_status(
    rng: np.random.Generator, *, units: tuple[SyntheticUnit, ...], period: DemoPeriod
) -> list[StatusEpisode]:
    """All episodes, ordered by unit code then start."""
    by_unit = {unit.unit_code: _unit_episodes(rng, unit=unit, period=period) for unit in units}
    open_at_end = [
        unit
        for unit in units
        if unit.unit_type in (UNIT_TYPE_OBSTETRIC, UNIT_TYPE_NEONATAL)
        and (unit.closed_on is None or unit.closed_on > period.end)
        and unit.opened_on <= period.end
    ]
    if open_at_end:
        for position in rng.choice(len(open_at_end), size=min(p.ONGOING_AT_END, len(open_at_end)), replace=False):
            unit = open_at_end[int(position)]
            by_unit[unit.unit_code] = _force_ongoing(rng, unit=unit, episodes=by_unit[unit.unit_code], period=period)
    return [episode for code in sorted(by_unit) for episode in by_unit[code]]
