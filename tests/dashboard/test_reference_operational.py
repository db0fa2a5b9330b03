"""Reference implementation, operational metrics 1–3 (docs/rules/dashboard.md §2, §3.1–3.3)."""

from datetime import date
from decimal import Decimal

import pytest

from .factories import OTHER_TRUST, at, episode, induction, neonatal_unit, unit
from .reference_helpers import counts, pick, run

# One fortnight: 2025-12-18 … 2025-12-31
DEC = {"date_from": "2025-12-18", "date_to": "2025-12-31"}


def obstetric(episodes, units=None, **kwargs):
    return run(units=units or [unit("U1")], unit_status=episodes, **DEC, **kwargs)


@pytest.mark.parametrize(
    ("started", "ended", "counted"),
    [
        ("2025-12-10T09:00", "2025-12-18T00:00", False),  # ended exactly as the fortnight began
        ("2025-12-10T09:00", "2025-12-18T00:30", True),  # straddles the start
        ("2025-12-31T23:30", "2026-01-02T08:00", True),  # straddles the end
        ("2026-01-01T00:00", "2026-01-01T08:00", False),  # after the fortnight
        ("2025-12-01T00:00", None, True),  # ongoing since before the fortnight
        ("2025-12-20T10:00", "2025-12-20T10:05", True),  # any overlap counts, however short
    ],
)
def test_obstetric_suspension_overlap(started, ended, counted):
    rows = obstetric([episode("U1", started, ended)])
    assert counts(rows, "obstetric_unit_suspensions") == ((1 if counted else 0), 1)


@pytest.mark.parametrize(
    ("opened_on", "closed_on", "in_denominator"),
    [
        ("2020-01-01", "2025-12-18", False),  # closed_on = to − 13: closed before the fortnight
        ("2020-01-01", "2025-12-10", False),
        ("2020-01-01", "2025-12-19", True),  # open on the fortnight's first day
        ("2025-12-31", None, True),  # opened on its last day
        ("2026-01-01", None, False),
    ],
)
def test_only_units_open_during_the_fortnight_count(opened_on, closed_on, in_denominator):
    u = unit("U1", opened_on=date.fromisoformat(opened_on), closed_on=closed_on and date.fromisoformat(closed_on))
    rows = obstetric([episode("U1", "2025-12-01T00:00", None)], units=[u])
    expected = (1, 1) if in_denominator else (0, 0)
    assert counts(rows, "obstetric_unit_suspensions") == expected


def test_midwifery_led_suspensions_are_not_counted():
    rows = obstetric(
        [episode("M1", "2025-12-20T10:00", "2025-12-21T10:00")],
        units=[unit("U1"), unit("M1", unit_type="midwifery_led")],
    )
    assert counts(rows, "obstetric_unit_suspensions") == (0, 1)
    assert counts(rows, "obstetric_unit_suspensions.episodes") == (0, 1)


def test_value_is_a_percentage_of_units():
    rows = obstetric(
        [episode("U1", "2025-12-20T10:00", "2025-12-20T12:00")], units=[unit("U1"), unit("U2"), unit("U3")]
    )
    row = pick(rows, "obstetric_unit_suspensions")
    assert (row.numerator, row.denominator, row.value) == (1, 3, Decimal("33.33"))
    assert (row.lower_95, row.upper_95) == (Decimal("6.15"), Decimal("79.23"))


def test_episodes_and_hours_sub_measures():
    rows = obstetric(
        [
            episode("U1", "2025-12-20T10:00", "2025-12-20T13:30"),  # 3.5 h
            episode("U1", "2025-12-17T00:00", "2025-12-19T00:00"),  # 24 h of it inside the fortnight
            episode("U1", "2025-12-31T20:00", None),  # ongoing: 4 h to the fortnight's end
            episode("U1", "2025-12-05T00:00", "2025-12-06T00:00"),  # before the fortnight
        ]
    )
    assert counts(rows, "obstetric_unit_suspensions.episodes") == (3, 1)
    hours = pick(rows, "obstetric_unit_suspensions.hours")
    assert (hours.numerator, hours.denominator, hours.value) == (Decimal("31.50"), 1, Decimal("31.50"))
    assert hours.lower_95 is None and hours.upper_95 is None


def test_ongoing_suspension_hours_stop_at_now():
    rows = obstetric([episode("U1", "2025-12-31T08:00", None)], now=at("2025-12-31T09:20"))
    assert pick(rows, "obstetric_unit_suspensions.hours").value == Decimal("1.33")


def neonatal(episodes, **kwargs):
    return run(units=[neonatal_unit("N1")], unit_status=episodes, **DEC, **kwargs)


@pytest.mark.parametrize(
    ("started", "ended", "counted"),
    [
        ("2025-12-20T10:00", "2025-12-21T09:00", False),  # 23 h
        ("2025-12-20T10:00", "2025-12-21T10:00", True),  # exactly 24 h
        ("2025-12-20T10:00", "2025-12-21T11:00", True),  # 25 h
        ("2025-12-16T00:00", "2025-12-18T06:00", True),  # 54 h, only 6 h in the fortnight
        ("2025-12-31T12:00", "2026-01-02T12:00", True),  # 48 h, 12 h in the fortnight
        ("2025-12-31T12:00", None, False),  # ongoing: 12 h to the fortnight's end
        ("2025-12-30T12:00", None, True),  # ongoing: 36 h to the fortnight's end
    ],
)
def test_neonatal_closure_of_24_hours(started, ended, counted):
    rows = neonatal([episode("N1", started, ended, "closed_external")])
    assert counts(rows, "neonatal_unit_suspensions") == ((1 if counted else 0), 1)


def test_ongoing_neonatal_closure_is_measured_to_now_if_earlier():
    episodes = [episode("N1", "2025-12-24T12:00", None, "closed_internal")]
    assert counts(neonatal(episodes, now=at("2025-12-25T11:59")), "neonatal_unit_suspensions") == (0, 1)
    assert counts(neonatal(episodes, now=at("2025-12-25T12:00")), "neonatal_unit_suspensions") == (1, 1)


@pytest.mark.parametrize(
    ("started", "ended", "counted"),
    [
        ("2025-10-25T12:00", "2025-10-26T12:00", True),  # 24 h on the clock, 25 real hours
        ("2025-10-25T12:00", "2025-10-26T11:00", True),  # 23 h on the clock, 24 real hours
        ("2025-10-25T12:00", "2025-10-26T10:59", False),  # 22:59 on the clock, 23:59 real
    ],
)
def test_neonatal_closure_across_the_october_clock_change(started, ended, counted):
    rows = run(
        units=[neonatal_unit("N1")],
        unit_status=[episode("N1", started, ended, "closed_external")],
        date_from="2025-10-19",
        date_to="2025-11-01",
    )
    assert counts(rows, "neonatal_unit_suspensions") == ((1 if counted else 0), 1)


def test_neonatal_closure_across_the_march_clock_change():
    # 24 h on the clock but 23 real hours: not a 24-hour closure
    rows = run(
        units=[neonatal_unit("N1")],
        unit_status=[episode("N1", "2026-03-28T12:00", "2026-03-29T12:00", "closed_external")],
        date_from="2026-03-23",
        date_to="2026-04-05",
    )
    assert counts(rows, "neonatal_unit_suspensions") == (0, 1)


def test_two_short_closures_do_not_add_up():
    rows = neonatal(
        [
            episode("N1", "2025-12-20T00:00", "2025-12-20T12:00", "closed_external"),
            episode("N1", "2025-12-20T12:00", "2025-12-21T00:00", "closed_external"),
        ]
    )
    assert counts(rows, "neonatal_unit_suspensions") == (0, 1)


def test_external_and_internal_sub_measures():
    rows = run(
        units=[neonatal_unit("N1"), neonatal_unit("N2"), neonatal_unit("N3")],
        unit_status=[
            episode("N1", "2025-12-20T00:00", "2025-12-22T00:00", "closed_external"),
            episode("N2", "2025-12-20T00:00", "2025-12-22T00:00", "closed_internal"),
            episode("N2", "2025-12-25T00:00", "2025-12-25T05:00", "closed_external"),
            episode("N3", "2025-12-20T00:00", "2025-12-20T05:00", "closed_internal"),
        ],
        **DEC,
    )
    assert counts(rows, "neonatal_unit_suspensions") == (2, 3)
    assert counts(rows, "neonatal_unit_suspensions.external") == (1, 3)
    assert counts(rows, "neonatal_unit_suspensions.internal") == (1, 3)


def test_obstetric_and_neonatal_units_count_in_their_own_metric():
    rows = run(
        units=[unit("U1"), neonatal_unit("N1")],
        unit_status=[episode("N1", "2025-12-20T00:00", "2025-12-22T00:00", "closed_external")],
        **DEC,
    )
    assert counts(rows, "obstetric_unit_suspensions") == (0, 1)
    assert counts(rows, "neonatal_unit_suspensions") == (1, 1)


def test_a_neonatal_unit_closed_before_the_fortnight_is_not_counted():
    rows = run(
        units=[neonatal_unit("N1", closed_on=date(2025, 12, 18))],
        unit_status=[episode("N1", "2025-12-01T00:00", None, "closed_external")],
        **DEC,
    )
    assert counts(rows, "neonatal_unit_suspensions") == (0, 0)
    assert pick(rows, "neonatal_unit_suspensions").value is None


def inductions_run(women, *, now=None, units=None):
    kwargs = {"now": now} if now else {}
    return run(
        units=units or [unit("U1"), unit("U9", trust_code=OTHER_TRUST, site_code="R1B01")],
        inductions=women,
        **DEC,
        **kwargs,
    )


def test_induction_delays_per_trust_and_rolled_up():
    rows = inductions_run(
        [
            induction("I1", "2025-12-20T10:00", "2025-12-21T12:00"),  # 26 h: delayed
            induction("I2", "2025-12-20T10:00", "2025-12-20T20:00"),
            induction("I3", "2025-12-20T10:00", "2025-12-20T11:00", trust=OTHER_TRUST),
        ]
    )
    assert counts(rows, "induction_delays") == (1, 1)
    assert pick(rows, "induction_delays").value == Decimal("100.00")
    assert counts(rows, "induction_delays", code=OTHER_TRUST) == (0, 1)
    assert pick(rows, "induction_delays", code=OTHER_TRUST).value == Decimal("0.00")
    national = pick(rows, "induction_delays", level="national", code="E92000001")
    assert (national.numerator, national.denominator, national.value) == (1, 2, Decimal("50.00"))
    assert counts(rows, "induction_delays.women") == (1, 2)
    assert counts(rows, "induction_delays.women", level="national", code="E92000001") == (1, 3)


@pytest.mark.parametrize(
    ("admitted", "started", "delayed"),
    [
        ("2025-12-20T10:00", "2025-12-21T10:00", False),  # started at exactly 24 h
        ("2025-12-20T10:00", "2025-12-21T10:01", True),
        ("2025-12-16T23:59", None, False),  # 24 h point before the fortnight
        ("2025-12-17T00:00", None, True),  # 24 h point at the fortnight's first instant
        ("2025-12-30T23:59", None, True),  # 24 h point in the fortnight's last minute
        ("2025-12-31T00:00", None, False),  # 24 h point in the next fortnight
    ],
)
def test_woman_delayed_in_the_fortnight_containing_24_hours(admitted, started, delayed):
    rows = inductions_run([induction("I1", admitted, started)])
    assert counts(rows, "induction_delays")[0] == (1 if delayed else 0)


def test_induction_wait_still_running():
    women = [induction("I1", "2025-12-30T10:00", None)]
    assert counts(inductions_run(women, now=at("2025-12-31T09:59")), "induction_delays.women") == (0, 0)
    assert counts(inductions_run(women, now=at("2025-12-31T10:00")), "induction_delays.women") == (1, 1)
    assert counts(inductions_run(women, now=at("2025-12-31T10:00")), "induction_delays") == (1, 1)


def test_induction_24_hours_across_the_october_change():
    # admitted 2025-10-25 10:00 BST; 24 real hours later is 2025-10-26 09:00 GMT
    rows = run(
        units=[unit("U1")],
        inductions=[induction("I1", "2025-10-25T10:00", "2025-10-26T09:30")],
        date_from="2025-10-19",
        date_to="2025-11-01",
    )
    assert counts(rows, "induction_delays") == (1, 1)


def test_trusts_without_an_obstetric_unit_open_are_not_counted():
    rows = inductions_run(
        [induction("I1", "2025-12-20T10:00", None, trust=OTHER_TRUST)],
        units=[unit("U1"), neonatal_unit("N9", trust_code=OTHER_TRUST)],
    )
    assert counts(rows, "induction_delays", code=OTHER_TRUST) == (0, 0)
    assert counts(rows, "induction_delays.women", code=OTHER_TRUST) == (0, 0)
    assert counts(rows, "induction_delays", level="national", code="E92000001") == (0, 1)


def test_a_fortnightly_series_gives_one_row_per_fortnight():
    rows = run(
        units=[unit("U1")],
        unit_status=[episode("U1", "2025-12-10T00:00", "2025-12-10T05:00")],
        date_from="2025-11-20",
        date_to="2025-12-31",
    )
    series = [r for r in rows if r.metric_id == "obstetric_unit_suspensions" and r.org_level == "trust"]
    assert [(r.period_start.isoformat(), r.period_end.isoformat(), r.numerator) for r in series] == [
        ("2025-11-20", "2025-12-03", 0),
        ("2025-12-04", "2025-12-17", 1),
        ("2025-12-18", "2025-12-31", 0),
    ]
