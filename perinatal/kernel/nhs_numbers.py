"""NHS numbers: accepted formats, the Modulus 11 check and placeholder refusal.

Spec: docs/rules/routing.md §2 ("NHS numbers are 10 digits passing the Modulus 11
check (surrounding white space is stripped; 3-3-4 groups separated by single spaces or
single dashes are accepted; 0000000000 and 9999999999 are refused as placeholders)").
Test vectors: tests/vectors/nhs_numbers.json.

The Modulus 11 check digit itself comes from the `nhs-number` package
(`nhs_number.calculate_checksum`, NHS Data Dictionary rule), which reproduces every vector.
The *format* is parsed here rather than by `nhs_number.standardise_format`, because that
function accepts non-ASCII digits (its regex uses ``\\d``, so Arabic-Indic digits pass) and
Python ints (which silently lose leading zeros). We also do not call `nhs_number.is_valid`:
it adds a Scottish CHI date-of-birth check that is not part of the Modulus 11 rule the spec
names, and would refuse some numbers the spec accepts.
"""

from __future__ import annotations

import re

from nhs_number import calculate_checksum

__all__ = [
    "NHS_NUMBER_PLACEHOLDERS",
    "InvalidNhsNumber",
    "format_nhs_number",
    "is_valid_nhs_number",
    "normalise_nhs_number",
]

# Placeholders some systems put in the field when the number is not known. Both happen to
# pass Modulus 11, so they are refused by policy (docs/rules/routing.md §2), not by the check digit.
NHS_NUMBER_PLACEHOLDERS = frozenset({"0000000000", "9999999999"})

# Exactly 10 ASCII digits, or 3-3-4 groups joined by one space each or one dash each.
# Mixed separators ("943 476-5919") are refused: the spec lists spaces *or* dashes, and
# the nhs-number package refuses them too.
#: How an NHS number may be written: 10 digits, or 3-3-4 groups split by spaces or hyphens (the
#: API's description uses the same patterns).
NHS_NUMBER_FORMATS = ("[0-9]{10}", "[0-9]{3} [0-9]{3} [0-9]{4}", "[0-9]{3}-[0-9]{3}-[0-9]{4}")
_ACCEPTED_FORMAT = re.compile("|".join(NHS_NUMBER_FORMATS))

_EXAMPLE = "943 476 5919"


class InvalidNhsNumber(ValueError):
    """An NHS number that cannot be accepted; `message` is written for the person entering it.

    `reason` is one of "required", "format", "placeholder" or "checksum", so callers can
    choose their own wording if they need to.
    """

    def __init__(self, *, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def normalise_nhs_number(raw: object) -> str:
    """Return the 10-digit form of `raw`, or raise `InvalidNhsNumber` saying what is wrong."""
    if not isinstance(raw, str):
        # JSON numbers lose leading zeros and cannot carry the 3-3-4 grouping.
        raise InvalidNhsNumber(
            reason="format",
            message=f"Enter the NHS number as text of 10 digits, like {_EXAMPLE}",
        )
    text = raw.strip()
    if not text:
        raise InvalidNhsNumber(reason="required", message="Enter an NHS number")
    if not _ACCEPTED_FORMAT.fullmatch(text):
        raise InvalidNhsNumber(reason="format", message=f"NHS number must be 10 digits, like {_EXAMPLE}")
    digits = text.replace(" ", "").replace("-", "")
    if digits in NHS_NUMBER_PLACEHOLDERS:
        raise InvalidNhsNumber(
            reason="placeholder",
            message=(
                f"{digits} is a placeholder, not an NHS number. Enter the real NHS number, "
                "or leave it blank if it is not known"
            ),
        )
    # A calculated check digit of 10 means no valid number has these first 9 digits;
    # it never equals the single last digit, so the comparison below refuses it.
    if calculate_checksum(digits[:9]) != int(digits[9]):
        raise InvalidNhsNumber(
            reason="checksum",
            message="Enter a valid NHS number. Check the digits: this number is not a real NHS number",
        )
    return digits


def is_valid_nhs_number(raw: object) -> bool:
    """True when `normalise_nhs_number(raw)` would succeed."""
    try:
        normalise_nhs_number(raw)
    except InvalidNhsNumber:
        return False
    return True


def format_nhs_number(digits: str) -> str:
    """Show a normalised NHS number in the 3-3-4 groups people read aloud: "943 476 5919"."""
    normalised = normalise_nhs_number(digits)
    return f"{normalised[:3]} {normalised[3:6]} {normalised[6:]}"
