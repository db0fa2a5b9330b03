"""Text no part of the service accepts (issue 13), written once for the web pages, the API and
the files the service reads.

- `unstorable`: a NUL character (PostgreSQL cannot store it in text) or an unpaired surrogate
  (no UTF-8 encoder writes it, so no database stores it and no page can show it). Refused in
  every value a person or a client sends: JSON strings, file cells, form fields.
- `refused_in_address`: what a web address (its decoded path, or a name or value of its query
  string) may not hold: anything `unstorable`, and any other C0 control character except the
  white space ones (tab, line feed, vertical tab, form feed, carriage return). No link the
  service writes holds one; white space is let through because a search term pasted into a GET
  form may carry it (a line break copied from Word is a vertical tab), and searches read it as
  a space.
- `refused_address_part`: where an address breaks that rule, the one walk of a path and query
  string that the web pages' middleware and the API's edge both make.

Each web request that breaks the rule is answered 400 before any view runs
(docs/adr/0023-production-serving.md, "Hostile input").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

__all__ = ["RefusedPart", "refused_address_part", "refused_in_address", "unstorable"]

#: C0 control characters an address may hold: the white space ones.
_ALLOWED_CONTROLS = frozenset("\t\n\x0b\x0c\r")
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


class RefusedPart(NamedTuple):
    """The part of a web address that breaks the rule: its ``"path"``, a query field's
    ``"name"``, or a ``"value"`` of the query field `field`."""

    part: str
    field: str | None = None


def refused_address_part(
    path: str,
    query: Callable[[], Iterable[tuple[str, Iterable[str]]]],
    *,
    also_refuse: Callable[[str], bool] | None = None,
) -> RefusedPart | None:
    """Where a web address breaks `refused_in_address`, or None. The path is looked at first;
    `query` gives the decoded query string as (name, values) pairs, and is called only when the
    path is sound (reading a query string may itself refuse it). A caller may refuse more
    values (`also_refuse`), never fewer."""
    if refused_in_address(path):
        return RefusedPart("path")
    for name, values in query():
        if refused_in_address(name):
            return RefusedPart("name")
        if any(refused_in_address(value) or (also_refuse is not None and also_refuse(value)) for value in values):
            return RefusedPart("value", name)
    return None
