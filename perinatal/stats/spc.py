"""Making Data Count XmR charts (docs/rules/surveillance.md §2; NHSRplotthedots 0.2.2 semantics).

Per series (one organisation and measure) and rebase segment, points sorted by date:
limits from the segment's baseline, four rules with a fixed precedence, a point type for
each point, a variation icon (the latest point's type) and an assurance icon (target
against the latest segment's limits).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

__all__ = [
    "ASSURANCE_FAIL",
    "ASSURANCE_INCONSISTENT",
    "ASSURANCE_PASS",
    "DuplicateDateError",
    "IMPROVEMENT_DECREASE",
    "IMPROVEMENT_DIRECTIONS",
    "IMPROVEMENT_INCREASE",
    "IMPROVEMENT_NEUTRAL",
    "LIMIT_FACTOR",
    "MINIMUM_FIX_AFTER_POINTS",
    "MOVING_RANGE_OUTLIER_FACTOR",
    "NEAR_LIMIT_FRACTION",
    "POINT_COMMON_CAUSE",
    "POINT_CONCERN",
    "POINT_IMPROVEMENT",
    "POINT_NEUTRAL_HIGH",
    "POINT_NEUTRAL_LOW",
    "RULE_OUTSIDE_LIMITS",
    "RULE_PRECEDENCE",
    "RULE_SHIFT",
    "RULE_TREND",
    "RULE_TWO_IN_THREE",
    "RUN_LENGTH",
    "SPECIAL_CAUSE_DIRECTION",
    "SPECIAL_CAUSE_RULE",
    "SpcChart",
    "SpcChartPoint",
    "SpcInputError",
    "SpcPoint",
    "SpcSegment",
    "TRIAL_LIMITS_BELOW_POINTS",
    "XmrLimits",
    "assurance",
    "close_to_limits",
    "outside_limits",
    "part_of_seven",
    "point_type",
    "relative_to_mean",
    "seven_point_one_side_of_mean",
    "seven_point_trend",
    "special_causes",
    "two_in_three_points",
    "two_in_three_windows",
    "xmr_chart",
    "xmr_limits",
]

IMPROVEMENT_INCREASE = "increase"
IMPROVEMENT_DECREASE = "decrease"
IMPROVEMENT_NEUTRAL = "neutral"
IMPROVEMENT_DIRECTIONS = (IMPROVEMENT_INCREASE, IMPROVEMENT_DECREASE, IMPROVEMENT_NEUTRAL)

LIMIT_FACTOR = 2.66
"""Process limits are mean ± 2.66 × mean moving range (docs/rules/surveillance.md §2.3)."""
NEAR_LIMIT_FRACTION = 2 / 3
"""The near-limit band is mean ± (2/3) × 2.66 × mean moving range (docs/rules/surveillance.md §2.3)."""
MOVING_RANGE_OUTLIER_FACTOR = 3.267
"""Moving ranges ≥ 3.267 × their mean are screened out, in one pass (docs/rules/surveillance.md §2.2)."""
MINIMUM_FIX_AFTER_POINTS = 12
"""``fix_after_n_points`` below 12 is an error (docs/rules/surveillance.md §2.9)."""
TRIAL_LIMITS_BELOW_POINTS = 12
"""A segment with fewer points has trial limits (docs/rules/surveillance.md §2.8)."""
MINIMUM_SEGMENT_POINTS = 2
"""A moving range needs two points, so limits need two points per segment."""
RUN_LENGTH = 7
"""Trend: 7 points rising (falling) throughout; shift: 7 points on one side (docs/rules/surveillance.md §2.5)."""
TWO_IN_THREE_WINDOW = 3
TWO_IN_THREE_COUNT = 2

RULE_OUTSIDE_LIMITS = "outside_limits"
RULE_TREND = "trend"
RULE_TWO_IN_THREE = "two_in_three"
RULE_SHIFT = "shift"
RULE_PRECEDENCE = (RULE_OUTSIDE_LIMITS, RULE_TREND, RULE_TWO_IN_THREE, RULE_SHIFT)
"""First match wins (docs/rules/surveillance.md §2.5)."""

SPECIAL_CAUSE_ABOVE_UPPER_LIMIT = "above_upper_limit"
SPECIAL_CAUSE_BELOW_LOWER_LIMIT = "below_lower_limit"
SPECIAL_CAUSE_TREND_INCREASING = "trend_increasing"
SPECIAL_CAUSE_TREND_DECREASING = "trend_decreasing"
SPECIAL_CAUSE_TWO_IN_THREE_ABOVE = "two_in_three_above"
SPECIAL_CAUSE_TWO_IN_THREE_BELOW = "two_in_three_below"
SPECIAL_CAUSE_SHIFT_ABOVE = "shift_above"
SPECIAL_CAUSE_SHIFT_BELOW = "shift_below"
SPECIAL_CAUSE_COMMON_CAUSE = "common_cause"

_HIGH = 1
_LOW = -1
_BY_RULE_AND_SIDE = {
    (RULE_OUTSIDE_LIMITS, _HIGH): SPECIAL_CAUSE_ABOVE_UPPER_LIMIT,
    (RULE_OUTSIDE_LIMITS, _LOW): SPECIAL_CAUSE_BELOW_LOWER_LIMIT,
    (RULE_TREND, _HIGH): SPECIAL_CAUSE_TREND_INCREASING,
    (RULE_TREND, _LOW): SPECIAL_CAUSE_TREND_DECREASING,
    (RULE_TWO_IN_THREE, _HIGH): SPECIAL_CAUSE_TWO_IN_THREE_ABOVE,
    (RULE_TWO_IN_THREE, _LOW): SPECIAL_CAUSE_TWO_IN_THREE_BELOW,
    (RULE_SHIFT, _HIGH): SPECIAL_CAUSE_SHIFT_ABOVE,
    (RULE_SHIFT, _LOW): SPECIAL_CAUSE_SHIFT_BELOW,
}
SPECIAL_CAUSE_RULE = {cause: rule for (rule, _), cause in _BY_RULE_AND_SIDE.items()}
"""Which rule each special-cause value comes from."""
SPECIAL_CAUSE_DIRECTION = {cause: side for (_, side), cause in _BY_RULE_AND_SIDE.items()}
"""+1 for a flag above the mean or increasing, −1 for below or decreasing."""

POINT_IMPROVEMENT = "improvement"
POINT_CONCERN = "concern"
POINT_NEUTRAL_HIGH = "neutral_high"
POINT_NEUTRAL_LOW = "neutral_low"
POINT_COMMON_CAUSE = "common_cause"

ASSURANCE_PASS = "consistent_pass"
ASSURANCE_FAIL = "consistent_fail"
ASSURANCE_INCONSISTENT = "inconsistent"


class SpcInputError(ValueError):
    """The series or the options cannot make an XmR chart (docs/rules/surveillance.md §2.9)."""


class DuplicateDateError(SpcInputError):
    """Two points share a date (docs/rules/surveillance.md §2.9)."""

    def __init__(self, duplicate: date) -> None:
        super().__init__(f"the date {duplicate.isoformat()} appears more than once")
        self.date = duplicate


# --- limits (docs/rules/surveillance.md §2.1–2.3) ------------------------------------------------------------------


@dataclass(frozen=True)
class XmrLimits:
    mean: float
    moving_range_mean: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float


def _mean(values: Sequence[float]) -> float:
    return math.fsum(values) / len(values)


def xmr_limits(*, values: Sequence[float], screen_outliers: bool = True) -> XmrLimits:
    """Limits from baseline ``values``: mean ± 2.66·mR̄, near-limit band at 2/3 of that.

    With ``screen_outliers`` the moving ranges ≥ 3.267·mR̄ are dropped once and mR̄ is
    recomputed. When mR̄ is 0 (a constant baseline) there is nothing to screen: every
    moving range would be "≥ 0" and none would be left.
    """
    if len(values) < MINIMUM_SEGMENT_POINTS:
        raise SpcInputError(f"limits need at least {MINIMUM_SEGMENT_POINTS} points")
    mean = _mean(values)
    moving_ranges = [abs(values[i] - values[i - 1]) for i in range(1, len(values))]
    moving_range_mean = _mean(moving_ranges)
    if screen_outliers and moving_range_mean > 0:
        cut_off = MOVING_RANGE_OUTLIER_FACTOR * moving_range_mean
        moving_range_mean = _mean([value for value in moving_ranges if value < cut_off])
    spread = LIMIT_FACTOR * moving_range_mean
    near = NEAR_LIMIT_FRACTION * LIMIT_FACTOR * moving_range_mean
    return XmrLimits(
        mean=mean,
        moving_range_mean=moving_range_mean,
        lpl=mean - spread,
        upl=mean + spread,
        nlpl=mean - near,
        nupl=mean + near,
    )


# --- rule helpers (docs/rules/surveillance.md §2.4–2.5) -------------------------------------------------------------


def relative_to_mean(*, values: Sequence[float], mean: float) -> list[int]:
    """+1 above the mean, −1 below, 0 exactly on it (on neither side)."""
    return [(value > mean) - (value < mean) for value in values]


def outside_limits(*, values: Sequence[float], limits: XmrLimits) -> list[int]:
    """+1 strictly above the upper limit, −1 strictly below the lower, else 0 (rule a)."""
    return [(value > limits.upl) - (value < limits.lpl) for value in values]


def close_to_limits(*, values: Sequence[float], limits: XmrLimits) -> list[int]:
    """1 for a near-limit point: strictly beyond the near-limit band, within the limits."""
    return [int((value > limits.nupl or value < limits.nlpl) and limits.lpl <= value <= limits.upl) for value in values]


def seven_point_one_side_of_mean(relative: Sequence[int]) -> list[int]:
    """±1 at each point ending 7 consecutive points on one side of the mean, else 0."""
    flags = []
    for index in range(len(relative)):
        window = relative[index - RUN_LENGTH + 1 : index + 1] if index >= RUN_LENGTH - 1 else []
        side = window[0] if window else 0
        flags.append(side if side != 0 and all(item == side for item in window) else 0)
    return flags


def seven_point_trend(values: Sequence[float]) -> list[int]:
    """±1 at each point ending 7 points each strictly above (below) the one before; a tie breaks it."""
    flags = []
    for index in range(len(values)):
        if index < RUN_LENGTH - 1:
            flags.append(0)
            continue
        window = values[index - RUN_LENGTH + 1 : index + 1]
        pairs = list(zip(window, window[1:]))
        if all(later > earlier for earlier, later in pairs):
            flags.append(_HIGH)
        elif all(later < earlier for earlier, later in pairs):
            flags.append(_LOW)
        else:
            flags.append(0)
    return flags


def part_of_seven(flags: Sequence[int]) -> list[int]:
    """1 for every point of a flagged run of 7: the flagged point and the 6 before it."""
    return [int(any(flags[index : index + RUN_LENGTH])) for index in range(len(flags))]


def two_in_three_windows(*, close_to_limits: Sequence[int], relative_to_mean: Sequence[int]) -> list[int]:
    """±1 for every point of a 3-point window with ≥ 2 near-limit points, all 3 on one side."""
    flags = [0] * len(relative_to_mean)
    for start in range(len(relative_to_mean) - TWO_IN_THREE_WINDOW + 1):
        stop = start + TWO_IN_THREE_WINDOW
        sides = relative_to_mean[start:stop]
        side = sides[0]
        if side == 0 or any(item != side for item in sides):
            continue
        if sum(close_to_limits[start:stop]) >= TWO_IN_THREE_COUNT:
            for index in range(start, stop):
                flags[index] = side
    return flags


def two_in_three_points(*, close_to_limits: Sequence[int], relative_to_mean: Sequence[int]) -> list[int]:
    """±1 for the near-limit points of the windows of :func:`two_in_three_windows` (rule c)."""
    windows = two_in_three_windows(close_to_limits=close_to_limits, relative_to_mean=relative_to_mean)
    return [side if close else 0 for side, close in zip(windows, close_to_limits)]


def _runs_by_side(flags: Sequence[int]) -> tuple[list[int], list[int]]:
    """Which points belong to a flagged run going up (above) and going down (below)."""
    high = part_of_seven([int(flag == _HIGH) for flag in flags])
    low = part_of_seven([int(flag == _LOW) for flag in flags])
    return high, low


def special_causes(*, values: Sequence[float], limits: XmrLimits) -> list[str]:
    """The special cause of each point of one segment, first matching rule wins (docs/rules/surveillance.md §2.5).

    A point belonging to both a rising and a falling trend (the peak or trough joining
    them) takes the trend that ends at it, i.e. the direction of its own step.
    """
    relative = relative_to_mean(values=values, mean=limits.mean)
    outside = outside_limits(values=values, limits=limits)
    trend_up, trend_down = _runs_by_side(seven_point_trend(values))
    two_in_three = two_in_three_points(
        close_to_limits=close_to_limits(values=values, limits=limits), relative_to_mean=relative
    )
    shift_above, shift_below = _runs_by_side(seven_point_one_side_of_mean(relative))
    causes = []
    for index, value in enumerate(values):
        if outside[index]:
            found = (RULE_OUTSIDE_LIMITS, outside[index])
        elif trend_up[index] and trend_down[index]:
            found = (RULE_TREND, _HIGH if value > values[index - 1] else _LOW)
        elif trend_up[index] or trend_down[index]:
            found = (RULE_TREND, _HIGH if trend_up[index] else _LOW)
        elif two_in_three[index]:
            found = (RULE_TWO_IN_THREE, two_in_three[index])
        elif shift_above[index] or shift_below[index]:
            found = (RULE_SHIFT, _HIGH if shift_above[index] else _LOW)
        else:
            causes.append(SPECIAL_CAUSE_COMMON_CAUSE)
            continue
        causes.append(_BY_RULE_AND_SIDE[found])
    return causes


# --- point types and icons (docs/rules/surveillance.md §2.6–2.7) ------------------------------------------------------


def _check_improvement(improvement: str) -> None:
    if improvement not in IMPROVEMENT_DIRECTIONS:
        raise SpcInputError(f"improvement must be one of {', '.join(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}")


def point_type(*, special_cause: str, improvement: str) -> str:
    """improvement / concern / neutral_high / neutral_low / common_cause for one point
    (docs/rules/surveillance.md §2.6)."""
    _check_improvement(improvement)
    if special_cause == SPECIAL_CAUSE_COMMON_CAUSE:
        return POINT_COMMON_CAUSE
    side = SPECIAL_CAUSE_DIRECTION[special_cause]
    if improvement == IMPROVEMENT_NEUTRAL:
        return POINT_NEUTRAL_HIGH if side == _HIGH else POINT_NEUTRAL_LOW
    better = _HIGH if improvement == IMPROVEMENT_INCREASE else _LOW
    return POINT_IMPROVEMENT if side == better else POINT_CONCERN


def assurance(*, limits: XmrLimits, target: float | None, improvement: str) -> str | None:
    """Assurance icon from the target and the (latest segment's) limits (docs/rules/surveillance.md §2.7).

    ``None`` without a target or for a neutral measure; a target equal to a limit is
    within the limits, so ``inconsistent``.
    """
    _check_improvement(improvement)
    if target is None or improvement == IMPROVEMENT_NEUTRAL:
        return None
    higher_is_better = improvement == IMPROVEMENT_INCREASE
    if target > limits.upl:
        return ASSURANCE_FAIL if higher_is_better else ASSURANCE_PASS
    if target < limits.lpl:
        return ASSURANCE_PASS if higher_is_better else ASSURANCE_FAIL
    return ASSURANCE_INCONSISTENT


# --- the chart --------------------------------------------------------------------------------


@dataclass(frozen=True)
class SpcPoint:
    date: date
    value: float


@dataclass(frozen=True)
class SpcSegment:
    """One rebase segment: its dates, size, baseline size and limits."""

    start: date
    end: date
    points: int
    baseline_points: int
    limits: XmrLimits
    trial_limits: bool


@dataclass(frozen=True)
class SpcChartPoint:
    date: date
    value: float
    segment: int
    mean: float
    lpl: float
    upl: float
    nlpl: float
    nupl: float
    special_cause: str
    point_type: str


@dataclass(frozen=True)
class SpcChart:
    points: tuple[SpcChartPoint, ...]
    segments: tuple[SpcSegment, ...]
    improvement: str
    target: float | None
    variation: str
    assurance: str | None

    @property
    def trial_limits(self) -> bool:
        """True when any segment has fewer than 12 points: the chart must say so (docs/rules/surveillance.md §2.8)."""
        return any(segment.trial_limits for segment in self.segments)


def _segments(points: Sequence[SpcPoint], rebase_dates: Iterable[date]) -> list[list[SpcPoint]]:
    dates = {point.date for point in points}
    starts = set()
    for rebase in rebase_dates:
        if rebase not in dates:
            raise SpcInputError(f"the rebase date {rebase.isoformat()} is not the date of a point")
        starts.add(rebase)
    segments: list[list[SpcPoint]] = []
    for point in points:
        if not segments or point.date in starts:
            segments.append([])
        segments[-1].append(point)
    return segments


def xmr_chart(
    *,
    points: Sequence[SpcPoint],
    improvement: str = IMPROVEMENT_INCREASE,
    target: float | None = None,
    fix_after_n_points: int | None = None,
    rebase_dates: Iterable[date] = (),
    screen_outliers: bool = True,
) -> SpcChart:
    """An XmR chart of one series (docs/rules/surveillance.md §2): limits per rebase segment, rules, types, icons.

    ``fix_after_n_points`` takes the baseline from the first n points of each segment
    (all points by default) and must be at least 12. A rebase date must be the date of a
    point, which becomes the first of a new segment. Raises :class:`SpcInputError` (or its
    subclass :class:`DuplicateDateError`) for input that cannot make a chart.
    """
    _check_improvement(improvement)
    if fix_after_n_points is not None and (
        isinstance(fix_after_n_points, bool) or fix_after_n_points < MINIMUM_FIX_AFTER_POINTS
    ):
        raise SpcInputError(f"fix_after_n_points must be at least {MINIMUM_FIX_AFTER_POINTS}, not {fix_after_n_points}")
    if not points:
        raise SpcInputError("the series has no points")
    ordered = sorted(points, key=lambda point: point.date)
    for earlier, later in zip(ordered, ordered[1:]):
        if earlier.date == later.date:
            raise DuplicateDateError(later.date)
    for point in ordered:
        if not math.isfinite(point.value):
            raise SpcInputError(f"the value on {point.date.isoformat()} is not a finite number")
    chart_points: list[SpcChartPoint] = []
    segments: list[SpcSegment] = []
    for index, members in enumerate(_segments(ordered, rebase_dates)):
        if len(members) < MINIMUM_SEGMENT_POINTS:
            raise SpcInputError(
                f"the segment starting {members[0].date.isoformat()} has {len(members)} point; "
                f"limits need at least {MINIMUM_SEGMENT_POINTS}"
            )
        values = [point.value for point in members]
        baseline = values if fix_after_n_points is None else values[:fix_after_n_points]
        limits = xmr_limits(values=baseline, screen_outliers=screen_outliers)
        segments.append(
            SpcSegment(
                start=members[0].date,
                end=members[-1].date,
                points=len(members),
                baseline_points=len(baseline),
                limits=limits,
                trial_limits=len(members) < TRIAL_LIMITS_BELOW_POINTS,
            )
        )
        for point, cause in zip(members, special_causes(values=values, limits=limits)):
            chart_points.append(
                SpcChartPoint(
                    date=point.date,
                    value=point.value,
                    segment=index,
                    mean=limits.mean,
                    lpl=limits.lpl,
                    upl=limits.upl,
                    nlpl=limits.nlpl,
                    nupl=limits.nupl,
                    special_cause=cause,
                    point_type=point_type(special_cause=cause, improvement=improvement),
                )
            )
    return SpcChart(
        points=tuple(chart_points),
        segments=tuple(segments),
        improvement=improvement,
        target=target,
        variation=chart_points[-1].point_type,
        assurance=assurance(limits=segments[-1].limits, target=target, improvement=improvement),
    )
