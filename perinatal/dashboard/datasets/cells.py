"""Parse one CSV cell to its typed value, or say in plain English why it cannot be.

Spec: docs/rules/dashboard.md §1: dates `YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:MM` (Europe/London),
booleans `1`/`0`, an empty cell means unknown unless the column says otherwise.
A message quotes a bad value through `quoted` (perinatal.kernel.redaction): never an NHS
number or postcode, never a NUL byte (PostgreSQL cannot store one in the upload's errors).
**policy**: surrounding spaces are ignored; nothing else is guessed (no other date
formats, no `true`/`yes`), so a file means one thing only.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import nhs_number

from perinatal.kernel.london_time import NonexistentLocalTime, localise
from perinatal.kernel.redaction import quoted

from . import problems as p
from .schema import (
    KIND_BOOL,
    KIND_CODE,
    KIND_DATE,
    KIND_DECIMAL,
    KIND_ENUM,
    KIND_ID,
    KIND_INT,
    KIND_TEXT,
    KIND_TIMESTAMP,
    Column,
)

DATE_FORMAT_TEXT = "YYYY-MM-DD"
TIMESTAMP_FORMAT_TEXT = "YYYY-MM-DDTHH:MM"
ID_MAX_LENGTH = 64
CODE_MAX_LENGTH = 16

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIMESTAMP = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})")
_INT = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+(\.\d+)?")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:/-]*")
_CODE = re.compile(r"[A-Za-z0-9]+")
_TEXT = re.compile(r"[a-z0-9_]+")
_NHS_NUMBER_SHAPE = re.compile(r"\d{3}[ -]?\d{3}[ -]?\d{4}")


class CellProblem(Exception):
    """Why one cell cannot be read: a rule ID from `problems` and a plain-English reason."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def parse_cell(*, column: Column, raw: str) -> object:
    """The typed value of `raw` (already stripped) in `column`; None for an allowed empty.

    Raises CellProblem naming what was wrong.
    """
    if raw == "":
        if column.required:
            raise CellProblem(p.ERR_REQUIRED, f"{column.name} is empty; it is required")
        return None
    return _PARSERS[column.kind](column, raw)


def _parse_id(column: Column, raw: str) -> str:
    if len(raw) > ID_MAX_LENGTH or not _ID.fullmatch(raw):
        raise CellProblem(
            p.ERR_BAD_IDENTIFIER,
            f"'{quoted(raw)}' is not a valid {column.name}: use up to {ID_MAX_LENGTH} letters, digits "
            "and . _ : / - (no spaces)",
        )
    if column.pseudonym and _NHS_NUMBER_SHAPE.fullmatch(raw) and nhs_number.is_valid(raw):
        raise CellProblem(
            p.ERR_NHS_NUMBER_AS_IDENTIFIER,
            # The number itself is never repeated: the message is stored and shown on the upload page.
            f"{column.name} is a valid NHS number; the dashboard holds no NHS numbers, use a pseudonym",
        )
    return raw


def _parse_code(column: Column, raw: str) -> str:
    if len(raw) > CODE_MAX_LENGTH or not _CODE.fullmatch(raw):
        raise CellProblem(p.ERR_BAD_IDENTIFIER, f"'{quoted(raw)}' is not an ODS code ({column.name})")
    return raw


def _parse_text(column: Column, raw: str) -> str:
    if len(raw) > ID_MAX_LENGTH or not _TEXT.fullmatch(raw):
        raise CellProblem(
            p.ERR_BAD_IDENTIFIER,
            f"'{quoted(raw)}' is not a valid {column.name}: use lower-case letters, digits and _",
        )
    return raw


def _parse_date(column: Column, raw: str) -> date:
    match = _DATE.fullmatch(raw)
    if not match:
        raise CellProblem(p.ERR_NOT_A_DATE, f"'{quoted(raw)}' is not a date in the form {DATE_FORMAT_TEXT}")
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        raise CellProblem(p.ERR_NOT_A_DATE, f"'{quoted(raw)}' is not a real date") from None


def _parse_timestamp(column: Column, raw: str) -> datetime:
    match = _TIMESTAMP.fullmatch(raw)
    if not match:
        raise CellProblem(
            p.ERR_NOT_A_TIMESTAMP,
            f"'{quoted(raw)}' is not a date and time in the form {TIMESTAMP_FORMAT_TEXT} (UK local time)",
        )
    try:
        naive = datetime(*map(int, match.groups()))
    except ValueError:
        raise CellProblem(p.ERR_NOT_A_TIMESTAMP, f"'{quoted(raw)}' is not a real date and time") from None
    try:
        return localise(naive)
    except NonexistentLocalTime:
        raise CellProblem(
            p.ERR_NONEXISTENT_LOCAL_TIME,
            f"{raw} does not exist in UK time: the clocks go forward from 01:00 to 02:00 that night",
        ) from None


def _parse_bool(column: Column, raw: str) -> bool:
    if raw == "1":
        return True
    if raw == "0":
        return False
    raise CellProblem(p.ERR_NOT_BOOLEAN, f"'{quoted(raw)}' must be 1 (yes) or 0 (no)")


def _check_range(column: Column, raw: str, value: int | Decimal) -> None:
    low, high = column.minimum, column.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise CellProblem(
            p.ERR_OUT_OF_RANGE, f"{column.name} {quoted(raw)} is out of range: it must be from {low} to {high}"
        )


def _parse_int(column: Column, raw: str) -> int:
    if not _INT.fullmatch(raw):
        raise CellProblem(p.ERR_NOT_A_WHOLE_NUMBER, f"'{quoted(raw)}' is not a whole number")
    value = int(raw)
    _check_range(column, raw, value)
    return value


def _parse_decimal(column: Column, raw: str) -> Decimal:
    if not _DECIMAL.fullmatch(raw):
        raise CellProblem(p.ERR_NOT_A_NUMBER, f"'{quoted(raw)}' is not a number (use a point for decimals)")
    try:
        value = Decimal(raw)
    except InvalidOperation:  # unreachable after the pattern; kept so a bad value never passes
        raise CellProblem(p.ERR_NOT_A_NUMBER, f"'{quoted(raw)}' is not a number") from None
    _check_range(column, raw, value)
    return value


def _parse_enum(column: Column, raw: str) -> str | None:
    if raw in column.choices:
        return raw
    codes = column.codes
    if codes is not None and raw in codes.stored:
        return codes.stored[raw]  # the choice the code stands for (None: stored empty)
    hint = ""
    for choice in (*column.choices, *(codes.stored if codes is not None else ())):
        if choice.lower() == raw.lower():
            hint = f" (did you mean '{choice}'?)"
    if codes is None:
        raise CellProblem(p.ERR_NOT_A_CHOICE, f"'{quoted(raw)}' must be one of: {', '.join(column.choices)}{hint}")
    empty = "" if column.required else f", or leave it empty ({column.empty_means})"
    raise CellProblem(
        p.ERR_NOT_A_CHOICE,
        f"{column.name} '{quoted(raw)}' is not accepted{hint}: use one of {', '.join(column.choices)}, "
        f"or an {codes.name} ({', '.join(codes.stored)}){empty}",
    )


_PARSERS = {
    KIND_ID: _parse_id,
    KIND_CODE: _parse_code,
    KIND_TEXT: _parse_text,
    KIND_DATE: _parse_date,
    KIND_TIMESTAMP: _parse_timestamp,
    KIND_BOOL: _parse_bool,
    KIND_INT: _parse_int,
    KIND_DECIMAL: _parse_decimal,
    KIND_ENUM: _parse_enum,
}
