"""Making Data Count variation and assurance icons (NHS England, "Making data count:
strengthening your decisions", 2019; as used by NHS-R NHSRplotthedots), drawn afresh.

Seven variation icons — common cause; special cause improvement, concern or neither
("neutral"), each for higher (H) or lower (L) values — and three assurance icons: the
target is consistently passed (P), consistently failed (F), or hit or miss (?). Each is a
coloured ring around a letter and a miniature chart; the letter, not the colour alone,
says which icon it is, and every icon carries its meaning as words.

Drawn in a 100 × 100 box. Use :func:`icon_svg` for one standalone icon (a dashboard tile,
a board-report table cell), or :func:`icon_symbols` once per page with :func:`icon_use`
for many; SPC charts embed theirs (:mod:`.spc`).
"""

from __future__ import annotations

from dataclasses import dataclass

from perinatal.stats.spc import (
    ASSURANCE_FAIL,
    ASSURANCE_INCONSISTENT,
    ASSURANCE_PASS,
    IMPROVEMENT_DIRECTIONS,
    IMPROVEMENT_INCREASE,
    IMPROVEMENT_NEUTRAL,
    POINT_COMMON_CAUSE,
    POINT_CONCERN,
    POINT_IMPROVEMENT,
    POINT_NEUTRAL_HIGH,
    POINT_NEUTRAL_LOW,
)

from . import palette
from .frame import CHART_ID_PATTERN
from .palette import PointColours
from .svg import Element, element, number, render

__all__ = [
    "ASSURANCE_ICON_KEYS",
    "ICONS",
    "ICON_ASSURANCE_FAIL",
    "ICON_ASSURANCE_HIT_OR_MISS",
    "ICON_ASSURANCE_PASS",
    "ICON_COMMON_CAUSE",
    "ICON_CONCERN_HIGH",
    "ICON_CONCERN_LOW",
    "ICON_IMPROVEMENT_HIGH",
    "ICON_IMPROVEMENT_LOW",
    "ICON_NEUTRAL_HIGH",
    "ICON_NEUTRAL_LOW",
    "IconSpec",
    "VARIATION_ICON_KEYS",
    "assurance_icon_key",
    "icon_drawing",
    "icon_svg",
    "icon_symbol_id",
    "icon_symbols",
    "icon_use",
    "variation_icon_key",
]

ICON_COMMON_CAUSE = "common_cause"
ICON_IMPROVEMENT_HIGH = "improvement_high"
ICON_IMPROVEMENT_LOW = "improvement_low"
ICON_CONCERN_HIGH = "concern_high"
ICON_CONCERN_LOW = "concern_low"
ICON_NEUTRAL_HIGH = "neutral_high"
ICON_NEUTRAL_LOW = "neutral_low"
VARIATION_ICON_KEYS = (
    ICON_COMMON_CAUSE,
    ICON_IMPROVEMENT_HIGH,
    ICON_IMPROVEMENT_LOW,
    ICON_CONCERN_HIGH,
    ICON_CONCERN_LOW,
    ICON_NEUTRAL_HIGH,
    ICON_NEUTRAL_LOW,
)
ICON_ASSURANCE_PASS = "assurance_pass"
ICON_ASSURANCE_FAIL = "assurance_fail"
ICON_ASSURANCE_HIT_OR_MISS = "assurance_hit_or_miss"
ASSURANCE_ICON_KEYS = (ICON_ASSURANCE_PASS, ICON_ASSURANCE_FAIL, ICON_ASSURANCE_HIT_OR_MISS)

_VARIATION = "variation"
_ASSURANCE = "assurance"
_HIGH = "high"
_LOW = "low"


@dataclass(frozen=True)
class IconSpec:
    """One icon: its key, short label, the sentence NHS England uses for it, and drawing."""

    key: str
    kind: str  # variation | assurance
    label: str
    meaning: str
    colours: PointColours
    letter: str
    shape: str  # common | high | low (variation); pass | fail | hit_or_miss (assurance)


ICONS: dict[str, IconSpec] = {
    spec.key: spec
    for spec in (
        IconSpec(
            ICON_COMMON_CAUSE,
            _VARIATION,
            "Common cause variation",
            "Common cause variation: no significant change.",
            palette.COMMON_CAUSE,
            "",
            "common",
        ),
        IconSpec(
            ICON_IMPROVEMENT_HIGH,
            _VARIATION,
            "Special cause improvement (higher)",
            "Special cause variation of an improving nature where the measure is significantly higher.",
            palette.IMPROVEMENT,
            "H",
            _HIGH,
        ),
        IconSpec(
            ICON_IMPROVEMENT_LOW,
            _VARIATION,
            "Special cause improvement (lower)",
            "Special cause variation of an improving nature where the measure is significantly lower.",
            palette.IMPROVEMENT,
            "L",
            _LOW,
        ),
        IconSpec(
            ICON_CONCERN_HIGH,
            _VARIATION,
            "Special cause concern (higher)",
            "Special cause variation of a concerning nature where the measure is significantly higher.",
            palette.CONCERN,
            "H",
            _HIGH,
        ),
        IconSpec(
            ICON_CONCERN_LOW,
            _VARIATION,
            "Special cause concern (lower)",
            "Special cause variation of a concerning nature where the measure is significantly lower.",
            palette.CONCERN,
            "L",
            _LOW,
        ),
        IconSpec(
            ICON_NEUTRAL_HIGH,
            _VARIATION,
            "Special cause variation (higher)",
            "Special cause variation of neither an improving nor a concerning nature where the "
            "measure is significantly higher.",
            palette.NEUTRAL,
            "H",
            _HIGH,
        ),
        IconSpec(
            ICON_NEUTRAL_LOW,
            _VARIATION,
            "Special cause variation (lower)",
            "Special cause variation of neither an improving nor a concerning nature where the "
            "measure is significantly lower.",
            palette.NEUTRAL,
            "L",
            _LOW,
        ),
        IconSpec(
            ICON_ASSURANCE_PASS,
            _ASSURANCE,
            "Consistently passes the target",
            "The system is expected to consistently pass the target.",
            palette.IMPROVEMENT,
            "P",
            "pass",
        ),
        IconSpec(
            ICON_ASSURANCE_FAIL,
            _ASSURANCE,
            "Consistently fails the target",
            "The system is expected to consistently fail the target.",
            palette.CONCERN,
            "F",
            "fail",
        ),
        IconSpec(
            ICON_ASSURANCE_HIT_OR_MISS,
            _ASSURANCE,
            "Hit or miss the target",
            "The system may achieve or fail the target subject to random variation.",
            palette.COMMON_CAUSE,
            "?",
            "hit_or_miss",
        ),
    )
}

_ASSURANCE_KEYS = {
    ASSURANCE_PASS: ICON_ASSURANCE_PASS,
    ASSURANCE_FAIL: ICON_ASSURANCE_FAIL,
    ASSURANCE_INCONSISTENT: ICON_ASSURANCE_HIT_OR_MISS,
}


def variation_icon_key(*, variation: str, improvement: str) -> str:
    """The icon for an SPC chart's ``variation`` (the latest point's type) (docs/rules/surveillance.md §2.6).

    Improvement and concern icons say whether the measure is higher or lower, which
    follows from the improvement direction: improvement is high when higher is better.
    Combinations an XmR chart cannot produce (improvement on a neutral measure, a neutral
    point type on a measure with a direction) are refused.
    """
    if improvement not in IMPROVEMENT_DIRECTIONS:
        raise ValueError(f"improvement must be one of {', '.join(IMPROVEMENT_DIRECTIONS)}, not {improvement!r}")
    if variation == POINT_COMMON_CAUSE:
        return ICON_COMMON_CAUSE
    if variation in (POINT_NEUTRAL_HIGH, POINT_NEUTRAL_LOW):
        if improvement != IMPROVEMENT_NEUTRAL:
            raise ValueError(f"a {variation} point belongs to a neutral measure, not one to {improvement}")
        return ICON_NEUTRAL_HIGH if variation == POINT_NEUTRAL_HIGH else ICON_NEUTRAL_LOW
    if variation in (POINT_IMPROVEMENT, POINT_CONCERN):
        if improvement == IMPROVEMENT_NEUTRAL:
            raise ValueError(f"a neutral measure has no {variation} points")
        higher_is_better = improvement == IMPROVEMENT_INCREASE
        if variation == POINT_IMPROVEMENT:
            return ICON_IMPROVEMENT_HIGH if higher_is_better else ICON_IMPROVEMENT_LOW
        return ICON_CONCERN_LOW if higher_is_better else ICON_CONCERN_HIGH
    raise ValueError(f"unknown variation {variation!r}")


def assurance_icon_key(assurance: str | None) -> str | None:
    """The icon for an SPC chart's ``assurance`` (docs/rules/surveillance.md §2.7); ``None`` shows no icon."""
    if assurance is None:
        return None
    try:
        return _ASSURANCE_KEYS[assurance]
    except KeyError:
        raise ValueError(
            f"unknown assurance {assurance!r}; expected one of {', '.join(_ASSURANCE_KEYS)} or None"
        ) from None


# --- drawing ---------------------------------------------------------------------------------

_DOT_XS = (24, 37, 50, 63, 76)
_DOT_YS = {
    "common": (60, 70, 54, 68, 58),
    _HIGH: (72, 76, 70, 58, 52),
    _LOW: (56, 52, 58, 70, 76),
}
_SPECIAL_DOTS = 2
"""The last two dots of a special-cause icon are coloured: the latest points."""
_TARGET_Y = {"pass": 80, "fail": 52, "hit_or_miss": 66}
_PROCESS_LINE = "M20 66 C28 56 36 56 42 64 S54 76 60 68 S72 58 80 64"


def _spec(key: str) -> IconSpec:
    try:
        return ICONS[key]
    except KeyError:
        raise ValueError(f"unknown icon {key!r}; expected one of {', '.join(ICONS)}") from None


def icon_drawing(key: str) -> list[Element]:
    """The parts of icon ``key`` in a 100 × 100 box."""
    spec = _spec(key)
    parts: list[Element] = [
        element("circle", cx=50, cy=50, r=44, fill=palette.BACKGROUND, stroke=spec.colours.fill, stroke_width=7),
        element("circle", cx=50, cy=50, r=47.5, fill="none", stroke=spec.colours.ink, stroke_width=1),
    ]
    if spec.letter:
        parts.append(
            element(
                "text",
                spec.letter,
                x=50,
                y=42,
                text_anchor="middle",
                font_size=30,
                font_weight="bold",
                font_family=palette.FONT_FAMILY,
                fill=spec.colours.ink,
            )
        )
    if spec.kind == _VARIATION:
        ys = _DOT_YS[spec.shape]
        if spec.shape == "common":
            ys = tuple(y - 6 for y in ys)
        points = " ".join(f"{number(x)},{number(y)}" for x, y in zip(_DOT_XS, ys))
        parts.append(element("polyline", points=points, fill="none", stroke=palette.COMMON_CAUSE.ink, stroke_width=2))
        for index, (x, y) in enumerate(zip(_DOT_XS, ys)):
            special = spec.shape != "common" and index >= len(_DOT_XS) - _SPECIAL_DOTS
            colours = spec.colours if special else palette.COMMON_CAUSE
            parts.append(element("circle", cx=x, cy=y, r=5, fill=colours.fill, stroke=colours.ink, stroke_width=1.5))
    else:
        target_y = _TARGET_Y[spec.shape]
        parts.append(element("path", d=_PROCESS_LINE, fill="none", stroke=palette.COMMON_CAUSE.ink, stroke_width=3))
        parts.append(
            element(
                "line",
                x1=16,
                y1=target_y,
                x2=84,
                y2=target_y,
                stroke=spec.colours.ink,
                stroke_width=3,
                stroke_dasharray="7 4",
            )
        )
    return parts


def icon_svg(*, key: str, size: int | None = 40) -> str:
    """One icon as a standalone accessible SVG (``role="img"``, named by ``aria-label``).

    ``aria-label`` rather than ids keeps many copies of an icon on one page valid.
    ``size=None`` leaves the size to the container (the viewBox keeps it square).
    """
    spec = _spec(key)
    return render(
        element(
            "svg",
            element("title", spec.label),
            *icon_drawing(key),
            xmlns="http://www.w3.org/2000/svg",
            viewBox="0 0 100 100",
            width=size,
            height=size,
            role="img",
            aria_label=f"{spec.label}. {spec.meaning}",
            class_=f"mdc-icon mdc-icon--{key.replace('_', '-')}",
        )
    )


def icon_symbol_id(*, key: str, id_prefix: str = "mdc-icon") -> str:
    """The id of icon ``key``'s ``<symbol>``: ``mdc-icon-improvement-high``."""
    _spec(key)
    if not CHART_ID_PATTERN.fullmatch(id_prefix):
        raise ValueError("id_prefix must start with a letter and hold only letters, digits, - and _")
    return f"{id_prefix}-{key.replace('_', '-')}"


def icon_symbols(*, id_prefix: str = "mdc-icon") -> str:
    """Every icon as a ``<symbol>``, in one hidden SVG to include once per page.

    Put it inside an element with the ``hidden`` attribute; then :func:`icon_use`.
    """
    symbols = [
        element(
            "symbol",
            *icon_drawing(key),
            id=icon_symbol_id(key=key, id_prefix=id_prefix),
            viewBox="0 0 100 100",
        )
        for key in ICONS
    ]
    return render(
        element(
            "svg",
            element("defs", *symbols),
            xmlns="http://www.w3.org/2000/svg",
            width=0,
            height=0,
            aria_hidden="true",
            focusable="false",
        )
    )


def icon_use(*, key: str, size: int = 40, id_prefix: str = "mdc-icon") -> str:
    """A small accessible SVG showing icon ``key`` from :func:`icon_symbols`."""
    spec = _spec(key)
    return render(
        element(
            "svg",
            element("title", spec.label),
            element("use", href=f"#{icon_symbol_id(key=key, id_prefix=id_prefix)}", width=100, height=100),
            xmlns="http://www.w3.org/2000/svg",
            viewBox="0 0 100 100",
            width=size,
            height=size,
            role="img",
            aria_label=f"{spec.label}. {spec.meaning}",
            class_=f"mdc-icon mdc-icon--{key.replace('_', '-')}",
        )
    )
