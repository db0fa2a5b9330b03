"""Europe/London localisation and real durations (docs/rules/dashboard.md §1, docs/rules/routing.md §1)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from perinatal.kernel.london_time import (
    LONDON,
    NonexistentLocalTime,
    add_real_time,
    elapsed,
    local_midnight,
    localise,
    to_utc,
)


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        ("2025-01-15T12:00", "2025-01-15T12:00"),  # GMT
        ("2025-07-15T12:00", "2025-07-15T11:00"),  # BST
        ("2025-10-26T00:59", "2025-10-25T23:59"),
        ("2025-10-26T01:00", "2025-10-26T00:00"),  # ambiguous: first occurrence (BST)
        ("2025-10-26T01:30", "2025-10-26T00:30"),
        ("2025-10-26T01:59", "2025-10-26T00:59"),
        ("2025-10-26T02:00", "2025-10-26T02:00"),  # GMT again
        ("2026-03-29T00:59", "2026-03-29T00:59"),
        ("2026-03-29T02:00", "2026-03-29T01:00"),  # first minute after the skipped hour
    ],
)
def test_localise_gives_the_instant(local, utc):
    moment = localise(datetime.fromisoformat(local))
    assert moment.tzinfo is LONDON
    assert to_utc(moment) == datetime.fromisoformat(utc).replace(tzinfo=UTC)


@pytest.mark.parametrize("local", ["2026-03-29T01:00", "2026-03-29T01:30", "2026-03-29T01:59", "2025-03-30T01:15"])
def test_localise_refuses_the_skipped_hour(local):
    with pytest.raises(NonexistentLocalTime):
        localise(datetime.fromisoformat(local))


def test_localise_refuses_an_aware_time():
    with pytest.raises(ValueError):
        localise(datetime(2025, 1, 1, tzinfo=UTC))


def test_to_utc_refuses_a_naive_time():
    with pytest.raises(ValueError):
        to_utc(datetime(2025, 1, 1))


@pytest.mark.parametrize(
    ("start", "end", "hours"),
    [
        ("2025-10-25T12:00", "2025-10-26T12:00", 25),  # 24 h on the clock across October
        ("2026-03-28T12:00", "2026-03-29T12:00", 23),  # 24 h on the clock across March
        ("2025-06-01T12:00", "2025-06-02T12:00", 24),
        ("2025-06-02T12:00", "2025-06-01T12:00", -24),
    ],
)
def test_elapsed_is_real_time(start, end, hours):
    a, b = localise(datetime.fromisoformat(start)), localise(datetime.fromisoformat(end))
    assert elapsed(start=a, end=b) == timedelta(hours=hours)
    # Python alone subtracts datetimes sharing a tzinfo as wall-clock times:
    assert b - a == timedelta(hours=24 if hours > 0 else -24)


def test_add_real_time_across_october():
    start = localise(datetime(2025, 10, 25, 12, 0))
    later = add_real_time(moment=start, delta=timedelta(hours=24))
    assert later.replace(tzinfo=None) == datetime(2025, 10, 26, 11, 0)
    assert later.tzinfo is LONDON


@pytest.mark.parametrize(
    ("day", "utc"),
    [
        (date(2025, 1, 1), datetime(2025, 1, 1, 0, 0)),
        (date(2025, 7, 1), datetime(2025, 6, 30, 23, 0)),
        (date(2025, 10, 26), datetime(2025, 10, 25, 23, 0)),
        (date(2025, 10, 27), datetime(2025, 10, 27, 0, 0)),
    ],
)
def test_local_midnight(day, utc):
    assert to_utc(local_midnight(day)) == utc.replace(tzinfo=UTC)
