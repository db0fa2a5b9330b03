"""How the pages write each metric's figures and units (docs/rules/dashboard.md §3–§4)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.dashboard.metrics.definitions import (
    INDUCTION_DELAYS_WOMEN,
    METRICS,
    OBSTETRIC_UNIT_SUSPENSIONS,
    OBSTETRIC_UNIT_SUSPENSIONS_EPISODES,
    OBSTETRIC_UNIT_SUSPENSIONS_HOURS,
    OPC_COMPONENT_DEFINITIONS,
    OPTIMAL_PERINATAL_CARE,
    PPH_1500_RATE,
    STILLBIRTH_DENOMINATORS,
    STILLBIRTH_RATE,
)
from perinatal.dashboard.pages.wording import (
    axis_label,
    count_labels,
    format_interval,
    format_value,
    improvement_of,
    unit_phrase,
    value_bounds,
    value_with_unit,
)
from tests.helpers import make_user, sign_in


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        (Decimal("12.50"), "percent", "12.50%"),
        (Decimal("0.00"), "percent", "0.00%"),
        (Decimal("3.29"), "per_1000", "3.29"),
        (Decimal("1234.50"), "per_1000", "1,234.50"),
        (Decimal("4"), "count", "4"),
        (Decimal("1200"), "count", "1,200"),
        (Decimal("12.50"), "hours", "12.50"),
        (None, "percent", "No data"),  # a zero denominator: never 0 (docs/rules/dashboard.md §4)
    ],
)
def test_format_value(value, unit, text):
    assert format_value(value, unit=unit) == text


@pytest.mark.parametrize(
    ("definition", "value", "text"),
    [
        (STILLBIRTH_RATE, Decimal("3.29"), "3.29 per 1,000 total births"),
        (PPH_1500_RATE, Decimal("26.54"), "26.54 per 1,000 women giving birth"),
        (OBSTETRIC_UNIT_SUSPENSIONS, Decimal("40.00"), "40.00% of obstetric units"),
        (OBSTETRIC_UNIT_SUSPENSIONS_EPISODES, Decimal("4"), "4 episodes"),
        (OBSTETRIC_UNIT_SUSPENSIONS_HOURS, Decimal("30.25"), "30.25 hours"),
        (INDUCTION_DELAYS_WOMEN, Decimal("8.10"), "8.10% of women"),
        (OPC_COMPONENT_DEFINITIONS[0], Decimal("80.00"), "80.00% of eligible babies"),
        (STILLBIRTH_RATE, None, "No data"),
    ],
)
def test_value_with_unit(definition, value, text):
    assert value_with_unit(value, definition=definition) == text


def test_every_metric_has_a_unit_phrase_and_count_labels():
    for definition in METRICS:
        assert unit_phrase(definition)
        numerator, denominator = count_labels(definition)
        assert numerator and denominator and (numerator, denominator) != ("Numerator", "Denominator")


@pytest.mark.parametrize(
    ("setting", "phrase", "label", "counts"),
    [
        ("total_births", "per 1,000 total births", "Per 1,000 total births", ("Stillbirths", "Total births")),
        ("live_births", "per 1,000 live births", "Per 1,000 live births", ("Stillbirths", "Live births")),
    ],
)
def test_the_stillbirth_denominator_in_use_is_named(setting, phrase, label, counts):
    assert unit_phrase(STILLBIRTH_RATE, stillbirth_denominator=setting) == phrase
    assert axis_label(STILLBIRTH_RATE, stillbirth_denominator=setting) == label
    assert count_labels(STILLBIRTH_RATE, stillbirth_denominator=setting) == counts


@pytest.mark.parametrize(
    ("lower", "upper", "unit", "text"),
    [
        (Decimal("1.70"), Decimal("6.08"), "per_1000", "1.70 to 6.08"),
        (Decimal("16.82"), Decimal("68.73"), "percent", "16.82% to 68.73%"),
        (None, None, "count", ""),
    ],
)
def test_format_interval(lower, upper, unit, text):
    assert format_interval(lower, upper, unit=unit) == text


def test_improvement_direction_follows_the_metric():
    assert improvement_of(STILLBIRTH_RATE) == "decrease"
    assert improvement_of(OPTIMAL_PERINATAL_CARE) == "increase"


@pytest.mark.parametrize(
    ("unit", "bounds"),
    [
        ("percent", (0.0, 100.0)),
        ("per_1000", (0.0, 1000.0)),
        ("count", (0.0, None)),
        ("hours", (0.0, None)),
    ],
)
def test_value_bounds(unit, bounds):
    assert value_bounds(unit) == bounds


# --- issue 12: "The seed letter words it…" ------------------------------------------------------

#: The project's own name for NHS England's letter of 16 October 2025, which leaked onto the pages.
INTERNAL_NAME = re.compile(r"\bseed\s+letter|\bthe\s+seed\b", re.IGNORECASE)
REPO = Path(__file__).resolve().parents[3]


def test_no_user_facing_text_calls_the_letter_the_seed_letter():
    """Every string the pages can show (templates and Python) names the letter, never 'the seed letter'."""
    found = [
        f"{path.relative_to(REPO)}:{number}"
        for folder in ("perinatal", "docs")
        for path in sorted((REPO / folder).rglob("*"))
        if path.suffix in {".py", ".jinja", ".md", ".html"}
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if INTERNAL_NAME.search(line)
    ]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("denominator", STILLBIRTH_DENOMINATORS)
def test_the_pages_name_the_letter(client, settings, denominator):
    settings.DASHBOARD_STILLBIRTH_DENOMINATOR = denominator
    sign_in(client, make_user(Role.TRUST_VIEWER, "R0A"))
    for name, args in [
        ("dashboard:national", ()),
        ("dashboard:trust", ("R0A",)),
        ("dashboard:trusts", ()),
        ("dashboard:definitions", ()),
    ]:
        page = client.get(reverse(name, args=args)).content.decode()
        assert "letter of 16 October 2025" in page, name
        assert not INTERNAL_NAME.search(page), name
