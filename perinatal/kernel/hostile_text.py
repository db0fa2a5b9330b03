"""Text no part of the service accepts (issue 13), written once for the web pages, the API and
the files the service reads.

- `unstorable`: a NUL character (PostgreSQL cannot store it in text) or an unpaired surrogate
  (no UTF-8 encoder writes it, so no database stores it and no page can show it). Refused in
  every value a person or a client sends: JSON strings, file cells, form fields.
- `refused_in_address`: what a web address (its decoded path, or a name or value of its query
  string) may not hold: anything `unstorable`, and any other C0 control character except tab,
  line feed and carriage return. No link the service writes holds one; tab and line breaks
  are let through because a search term pasted into a GET form may carry them, and they are
  stored and shown harmlessly.

Each web request that breaks the rule is answered 400 before any view runs
(docs/adr/0023-production-serving.md, "Hostile input").
"""

from __future__ import annotations

__all__ = ["refused_in_address", "unstorable"]

#: C0 control characters an address may hold: tab, line feed, carriage return.
_ALLOWED_CONTROLS = frozenset("\t\n\r")
_REFUSED_CONTROLS = frozenset(chr(code) for code in range(0x20)) - _ALLOWED_CONTROLS


def unstorable(value: str) -> bool:
    """``value`` holds a NUL character or an unpaired surrogate."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def refused_in_address(value: str) -> bool:
    """``value`` (a decoded path, query name or query value) holds a character no address may."""
    return unstorable(value) or not _REFUSED_CONTROLS.isdisjoint(value)
