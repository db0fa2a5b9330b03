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


def _round_trip_exists(naive: datetime) -> bool:
    """The rule as first written: a local time exists when it survives a round trip through UTC."""
    aware = naive.replace(tzinfo=LONDON, fold=0)
    return aware.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) == naive


def _changes_of_offset(first_year: int, last_year: int) -> list[datetime]:
    """Every instant (to the minute, UTC) at which Europe/London's offset changed."""
    changes = []
    day = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    while day < end:
        following = day + timedelta(days=1)
        if day.astimezone(LONDON).utcoffset() != following.astimezone(LONDON).utcoffset():
            low, high = day, following  # the change is in (low, high]: halve to the minute
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(LONDON).utcoffset() == low.astimezone(LONDON).utcoffset():
                    low = middle
                else:
                    high = middle
            changes.append(high)
        day = following
    return changes


def test_localise_refuses_exactly_the_times_a_round_trip_through_utc_refuses():
    """Every local minute within three hours of every change of Europe/London's offset from
    1847 (Greenwich time) to 2100, and a spread of other moments: localise's test (the offsets
    of both readings of the time) refuses what the round trip refused, and gives its instant."""
    changes = _changes_of_offset(1847, 2100)
    assert len(changes) > 300  # the summer-time changes of each year, wartime double summer time
    moments = []
    for change in changes:
        local = change.astimezone(LONDON).replace(tzinfo=None, second=0, microsecond=0)
        moments += [local + timedelta(minutes=minute) for minute in range(-180, 181)]
    moments += [datetime(1900, 1, 1, 0, 0, 30) + timedelta(minutes=minute * 7919) for minute in range(30_000)]
    refused = 0
    for naive in moments:
        if _round_trip_exists(naive):
            moment = localise(naive)
            assert (moment.replace(tzinfo=None), moment.tzinfo, moment.fold) == (naive, LONDON, 0)
        else:
            refused += 1
            with pytest.raises(NonexistentLocalTime):
                localise(naive)
    assert refused > 100 * 60
