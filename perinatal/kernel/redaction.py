"""Identifiers that must never be echoed into logs, stored error messages or pages that
quote bad input: NHS numbers (10 digits in any of their written layouts) and UK postcodes.

Used by the log filter and the task table (perinatal.core.logging) and by the messages that
quote a bad cell of an uploaded file (perinatal.dashboard.datasets.cells), so one pattern
decides what is identifiable everywhere.
"""

from __future__ import annotations

import re

__all__ = ["NHS_NUMBER", "POSTCODE", "quoted", "redact"]

NHS_NUMBER = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
#: How much of a bad value a message quotes: enough to find it in the file.
QUOTED_LENGTH = 40


def redact(text: str) -> str:
    return POSTCODE.sub("[postcode]", NHS_NUMBER.sub("[nhs-number]", text))


def quoted(raw: str) -> str:
    """`raw` as a message may quote it: identifiers redacted (before it is cut, so no part of one
    is left), characters that cannot be printed (a NUL byte, a control character, a lone
    surrogate) written as escapes, and a long value cut short."""
    shown = "".join(ch if ch.isprintable() else _escape(ch) for ch in redact(raw))
    return shown if len(shown) <= QUOTED_LENGTH else shown[:QUOTED_LENGTH] + "…"


def _escape(ch: str) -> str:
    return f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
