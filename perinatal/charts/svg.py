"""A tiny, safe SVG builder: elements as values, rendered with escaping, deterministically.

Why not an XML library: `xml.etree` reorders nothing but also guards nothing. This builder
refuses what the pages' Content Security Policy forbids or what could carry script — the
`script`, `style` and `foreignObject` elements, `style=` and `on*=` attributes, and links
other than same-document fragments (`href="#…"`) — so a chart can never smuggle in code,
whatever labels it is given. Text and attribute values are escaped, and characters that
XML 1.0 cannot carry (NUL and other C0 controls) are dropped, so the output always parses.

Numbers are written with at most 2 decimals and without trailing zeros: the same input gives
byte-identical output, and coordinates never show float noise such as 29.000000000000004.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "ALLOWED_TAGS",
    "CONTAINER_TAGS",
    "COORDINATE_DECIMALS",
    "Element",
    "SVG_NAMESPACE",
    "UnsafeSvgError",
    "element",
    "escape_attribute",
    "escape_text",
    "number",
    "points_attribute",
    "render",
    "xml_safe",
]

SVG_NAMESPACE = "http://www.w3.org/2000/svg"
COORDINATE_DECIMALS = 2
"""Coordinates and sizes are rounded to 2 decimals: 1/100 of a viewBox unit is invisible."""

ALLOWED_TAGS = frozenset(
    {
        "circle",
        "defs",
        "desc",
        "g",
        "line",
        "path",
        "polygon",
        "polyline",
        "rect",
        "svg",
        "symbol",
        "text",
        "title",
        "tspan",
        "use",
    }
)
"""Only presentational SVG: no script, style, foreignObject, image, a or animation."""
CONTAINER_TAGS = frozenset({"defs", "g", "svg", "symbol"})
"""Children of these are put on lines of their own (harmless whitespace, readable diffs)."""

_FORBIDDEN_ATTRIBUTES = frozenset({"style"})
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]*(?::[A-Za-z][A-Za-z0-9-]*)?")
# XML 1.0 Char production: everything else (C0 controls except tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF) makes the document unparseable, so it is dropped.
_NOT_XML_CHAR = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

AttributeValue = str | int | float | Decimal


class UnsafeSvgError(ValueError):
    """An element or attribute the builder refuses (it could run code or break the CSP)."""


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot carry."""
    return _NOT_XML_CHAR.sub("", text)


def escape_text(text: str) -> str:
    """Escape character data: ``&``, ``<`` and ``>``."""
    return xml_safe(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attribute(text: str) -> str:
    """Escape an attribute value written in double quotes.

    Tab, newline and carriage return are written as character references because an XML
    parser would otherwise normalise them to spaces.
    """
    return escape_text(text).replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


def number(value: float | int | Decimal) -> str:
    """A finite number with at most 2 decimals, no trailing zeros, and never ``-0``."""
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if not math.isfinite(value):
        raise ValueError(f"cannot write {value!r} in SVG")
    text = f"{float(value):.{COORDINATE_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points_attribute(points: Iterable[tuple[float, float]]) -> str:
    """The ``points`` of a polyline or polygon: ``x,y x,y …``."""
    return " ".join(f"{number(x)},{number(y)}" for x, y in points)


@dataclass(frozen=True)
class Element:
    """One SVG element: its tag, attributes in writing order, and children (elements or text)."""

    tag: str
    attributes: tuple[tuple[str, str], ...] = ()
    children: tuple[Element | str, ...] = ()

    def __post_init__(self) -> None:
        if self.tag not in ALLOWED_TAGS:
            raise UnsafeSvgError(f"the <{self.tag}> element is not allowed in a chart")
        names = set()
        for name, value in self.attributes:
            _check_attribute(name, value)
            if name in names:
                raise UnsafeSvgError(f"the attribute {name!r} is given twice")
            names.add(name)
        for child in self.children:
            if not isinstance(child, (Element, str)):
                raise TypeError(f"a child must be an Element or text, not {type(child).__name__}")

    def find_all(self, tag: str) -> list[Element]:
        """Every descendant element (and this one) with ``tag``, in document order."""
        found = [self] if self.tag == tag else []
        for child in self.children:
            if isinstance(child, Element):
                found.extend(child.find_all(tag))
        return found


def _check_attribute(name: str, value: str) -> None:
    if not _NAME.fullmatch(name):
        raise UnsafeSvgError(f"{name!r} is not a valid attribute name")
    lowered = name.lower()
    if lowered in _FORBIDDEN_ATTRIBUTES or lowered.startswith("on"):
        raise UnsafeSvgError(f"the {name!r} attribute is not allowed: the pages' CSP forbids it")
    if lowered in ("href", "xlink:href") and not value.startswith("#"):
        raise UnsafeSvgError('links may only point within the document (href="#…")')


def _attribute_text(value: AttributeValue) -> str:
    if isinstance(value, str):
        return value
    return number(value)


def element(tag: str, *children: Element | str | None, **attributes: AttributeValue | None) -> Element:
    """Build an element; ``stroke_width=2`` is written ``stroke-width="2"``, ``class_`` ``class``.

    Attributes whose value is ``None`` and children that are ``None`` are left out, so
    optional parts can be written inline. Attribute names keep their case (``viewBox``).
    """
    pairs = tuple(
        (name.rstrip("_").replace("_", "-"), _attribute_text(value))
        for name, value in attributes.items()
        if value is not None
    )
    return Element(tag, pairs, tuple(child for child in children if child is not None))


def render(node: Element | str) -> str:
    """The element as SVG text (no XML declaration: it is meant to be inlined in HTML)."""
    if isinstance(node, str):
        return escape_text(node)
    attributes = "".join(f' {name}="{escape_attribute(value)}"' for name, value in node.attributes)
    if not node.children:
        return f"<{node.tag}{attributes}/>"
    separator = "\n" if node.tag in CONTAINER_TAGS else ""
    inner = separator.join(render(child) for child in node.children)
    return f"<{node.tag}{attributes}>{separator}{inner}{separator}</{node.tag}>"
