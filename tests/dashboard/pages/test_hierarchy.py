"""Where a trust's ICB or region changed within the data (the ICB mergers of April 2026)."""

from datetime import date

import pytest

from perinatal.dashboard.pages.hierarchy import parent_changes
from perinatal.dashboard.selectors.births import DataSpan


class _Names:
    def name(self, level, code):
        return f"{level} {code}"


SPAN = DataSpan(first=date(2025, 1, 1), last=date(2026, 10, 31))


def test_parent_changes_name_the_day_and_both_icbs():
    periods = [(date(2022, 7, 1), "QNX", "Y59"), (date(2026, 4, 1), "S9B9J", "Y59")]
    [change] = parent_changes(periods=periods, orgs=_Names(), span=SPAN)
    assert change.on == date(2026, 4, 1)
    assert (change.before.code, change.after.code) == ("QNX", "S9B9J")
    assert change.after.level == "icb"


@pytest.mark.parametrize(
    "periods",
    [
        [(date(2022, 7, 1), "QOP", "Y62"), (date(2026, 4, 1), "QOP", "Y62")],  # a new extract, the same ICB
        [(date(2022, 7, 1), "QNX", "Y59"), (date(2027, 4, 1), "S9B9J", "Y59")],  # after the data
        [(date(2022, 7, 1), "QNX", "Y59"), (date(2025, 1, 1), "S9B9J", "Y59")],  # on the first day of the data
        [(date(2022, 7, 1), "QNX", "Y59")],
    ],
)
def test_no_parent_change_within_the_data(periods):
    assert parent_changes(periods=periods, orgs=_Names(), span=SPAN) == []


def test_a_region_change_is_named_too():
    periods = [(date(2022, 7, 1), "QAA", "Y58"), (date(2026, 4, 1), "QAA", "Y59")]
    [change] = parent_changes(periods=periods, orgs=_Names(), span=SPAN)
    assert change.after.level == "region" and change.after.code == "Y59"
