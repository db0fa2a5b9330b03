"""NHS number normalisation and validation against tests/vectors/nhs_numbers.json
(docs/rules/routing.md §2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from perinatal.kernel.nhs_numbers import (
    NHS_NUMBER_PLACEHOLDERS,
    InvalidNhsNumber,
    format_nhs_number,
    is_valid_nhs_number,
    normalise_nhs_number,
)

VECTORS = json.loads((Path(__file__).resolve().parents[1] / "vectors" / "nhs_numbers.json").read_text(encoding="utf-8"))


def reason_for(raw: object) -> str:
    with pytest.raises(InvalidNhsNumber) as caught:
        normalise_nhs_number(raw)
    assert caught.value.message == str(caught.value)
    return caught.value.reason


@pytest.mark.parametrize("number", VECTORS["valid"])
def test_valid_vectors_are_accepted_unchanged(number: str) -> None:
    assert normalise_nhs_number(number) == number
    assert is_valid_nhs_number(number)


@pytest.mark.parametrize("number", VECTORS["invalid"])
def test_invalid_vectors_are_refused(number: str) -> None:
    assert not is_valid_nhs_number(number)
    with pytest.raises(InvalidNhsNumber):
        normalise_nhs_number(number)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("9991234560", "checksum"),
        ("9876544321", "checksum"),
        ("1234567890", "checksum"),
        ("9876543211", "checksum"),
        ("94347659", "format"),
        ("94347659190", "format"),
        ("943476591X", "format"),
        ("", "required"),
    ],
)
def test_invalid_vectors_give_the_right_reason(number: str, reason: str) -> None:
    assert number in VECTORS["invalid"]
    assert reason_for(number) == reason


@pytest.mark.parametrize(("raw", "expected"), sorted(VECTORS["accepted_formats"].items()))
def test_accepted_formats_normalise(raw: str, expected: str) -> None:
    assert normalise_nhs_number(raw) == expected


@pytest.mark.parametrize("raw", VECTORS["rejected_formats"])
def test_rejected_formats(raw: str) -> None:
    assert reason_for(raw) == "format"


@pytest.mark.parametrize("raw", VECTORS["placeholders_to_reject_by_policy"])
def test_placeholders_are_refused_by_policy(raw: str) -> None:
    assert raw in NHS_NUMBER_PLACEHOLDERS
    assert reason_for(raw) == "placeholder"
    with pytest.raises(InvalidNhsNumber, match="placeholder"):
        normalise_nhs_number(raw)


@pytest.mark.parametrize("raw", ["000 000 0000", "999-999-9999", " 9999999999 "])
def test_placeholders_are_refused_in_every_accepted_format(raw: str) -> None:
    assert reason_for(raw) == "placeholder"


@pytest.mark.parametrize(
    "raw",
    [
        "943 476-5919",  # mixed separators
        "943  476 5919",  # double space
        "943--476-5919",
        "943.476.5919",
        "943/476/5919",
        "9434765919 0",
        "\u0669\u0664\u0663\u0664\u0667\u0666\u0665\u0669\u0661\u0669",  # Arabic-Indic digits
        "\uff19\uff14\uff13\uff14\uff17\uff16\uff15\uff19\uff11\uff19",  # full-width digits
        "+9434765919",
        "9434765919\x00",
    ],
)
def test_other_formats_are_refused(raw: str) -> None:
    assert reason_for(raw) == "format"


@pytest.mark.parametrize("raw", ["\t9434765919\n", "  943 476 5919\r\n", "\u00a0943-476-5919"])
def test_any_surrounding_white_space_is_stripped(raw: str) -> None:
    assert normalise_nhs_number(raw) == "9434765919"


@pytest.mark.parametrize("raw", ["   ", "\n"])
def test_blank_is_required(raw: str) -> None:
    assert reason_for(raw) == "required"


@pytest.mark.parametrize("raw", [9434765919, 9434765919.0, None, True, ["9434765919"]])
def test_non_text_is_refused(raw: object) -> None:
    # A JSON number would lose leading zeros; only text is an NHS number.
    assert reason_for(raw) == "format"
    assert not is_valid_nhs_number(raw)


@pytest.mark.parametrize("last_digit", range(10))
def test_a_check_digit_of_ten_means_no_valid_number(last_digit: int) -> None:
    # 100000001 gives a Modulus 11 check value of 10, so no 10th digit can make it valid.
    assert reason_for(f"100000001{last_digit}") == "checksum"


@pytest.mark.parametrize("number", VECTORS["valid"])
def test_changing_the_check_digit_invalidates_a_valid_number(number: str) -> None:
    for digit in "0123456789":
        if digit != number[-1]:
            assert reason_for(number[:-1] + digit) == "checksum"


def test_messages_are_written_for_people() -> None:
    with pytest.raises(InvalidNhsNumber) as caught:
        normalise_nhs_number("12345")
    assert caught.value.message == "NHS number must be 10 digits, like 943 476 5919"
    with pytest.raises(InvalidNhsNumber) as caught:
        normalise_nhs_number("9434765918")
    assert caught.value.message.startswith("Enter a valid NHS number")


@pytest.mark.parametrize(("raw", "shown"), [("9434765919", "943 476 5919"), ("943-476-5919", "943 476 5919")])
def test_format_for_display(raw: str, shown: str) -> None:
    assert format_nhs_number(raw) == shown


def test_format_refuses_an_invalid_number() -> None:
    with pytest.raises(InvalidNhsNumber):
        format_nhs_number("9434765918")
