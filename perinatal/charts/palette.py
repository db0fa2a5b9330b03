"""Colours and type for every chart, with the contrast arithmetic that justifies them.

The four Making Data Count point colours are NHS England's (improvement #41B6E6, concern
#ED8B00, neutral #490092, common cause #A6A6A6). Three of them are lighter than the 3:1
that WCAG 2.2 (1.4.11) asks of graphics against white, so every marker filled with one is
outlined in an "ink" of the same hue that reaches at least 3:1, and all text uses colours
of at least 4.5:1 (1.4.3). Colour is never the only cue: shapes, dash patterns and direct
labels carry the same meaning (1.4.1).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "AXIS",
    "BACKGROUND",
    "BAND",
    "BAND_OPACITY",
    "COMMON_CAUSE",
    "CONCERN",
    "FONT_FAMILY",
    "FONT_SIZE",
    "FONT_SIZE_SMALL",
    "GRID",
    "IMPROVEMENT",
    "LEVEL_1",
    "LEVEL_2",
    "LIMIT",
    "MINIMUM_GRAPHIC_CONTRAST",
    "MINIMUM_TEXT_CONTRAST",
    "NEUTRAL",
    "PointColours",
    "SERIES",
    "SERIES_LINE",
    "TARGET",
    "TEXT",
    "TEXT_SECONDARY",
    "contrast_ratio",
    "relative_luminance",
]

FONT_FAMILY = "Arial, Helvetica, sans-serif"
"""System fonts only: the pages load no web fonts into charts, and the CSP allows none."""
FONT_SIZE = 13
FONT_SIZE_SMALL = 12

MINIMUM_TEXT_CONTRAST = 4.5
"""WCAG 2.2 1.4.3, normal-size text."""
MINIMUM_GRAPHIC_CONTRAST = 3.0
"""WCAG 2.2 1.4.11, graphical objects needed to understand the chart."""

BACKGROUND = "#FFFFFF"
TEXT = "#212B32"
TEXT_SECONDARY = "#4C6272"
AXIS = "#4C6272"
GRID = "#E8EDEE"
"""Gridlines are decoration: they are deliberately faint."""


@dataclass(frozen=True)
class PointColours:
    """A fill (the recognisable colour) and an ink (outline and text, ≥ 3:1 on white)."""

    fill: str
    ink: str


IMPROVEMENT = PointColours(fill="#41B6E6", ink="#005EB8")
CONCERN = PointColours(fill="#ED8B00", ink="#8A4A00")
NEUTRAL = PointColours(fill="#490092", ink="#490092")
COMMON_CAUSE = PointColours(fill="#A6A6A6", ink="#4C6272")

SERIES = "#005EB8"
"""NHS blue: the value line of plain line charts, the CUSUM and the excess-events chart."""
SERIES_LINE = "#768692"
"""The thin line joining XmR points, as in Making Data Count charts."""
LIMIT = "#4C6272"
TARGET = "#AE2573"
BAND = "#41B6E6"
BAND_OPACITY = 0.25
LEVEL_1 = PointColours(fill="#ED8B00", ink="#8A4A00")
LEVEL_2 = PointColours(fill="#D5281B", ink="#8A1538")


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a ``#RRGGBB`` colour."""
    text = colour.lstrip("#")
    if len(text) != 6:
        raise ValueError(f"{colour!r} is not a #RRGGBB colour")
    channels = []
    for index in (0, 2, 4):
        value = int(text[index : index + 2], 16) / 255
        channels.append(value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str = BACKGROUND) -> float:
    """WCAG contrast ratio (1 to 21) between two colours."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
