"""Running the reference implementation in tests and picking rows out of its output."""

from __future__ import annotations

from datetime import date

from perinatal.dashboard.metrics.reference import compute_reference

from .factories import at

ORGS = {"R0A": ("QA1", "Y56"), "R1B": ("QA1", "Y56"), "R2C": ("QB2", "Y58")}
LATER = at("2030-01-01T00:00")


def org_of(trust: str, period_end: date) -> tuple[str, str]:
    return ORGS[trust]


def run(*, date_from: str, date_to: str, now=LATER, **kwargs):
    return compute_reference(
        date_from=date.fromisoformat(date_from),
        date_to=date.fromisoformat(date_to),
        now=now,
        org_of=kwargs.pop("org_of", org_of),
        **kwargs,
    )


def pick(rows, metric_id, *, level="trust", code="R0A", period_start=None):
    found = [
        r
        for r in rows
        if r.metric_id == metric_id
        and r.org_level == level
        and r.org_code == code
        and (period_start is None or r.period_start == date.fromisoformat(period_start))
    ]
    assert len(found) == 1, f"{len(found)} rows for {metric_id} {level} {code} {period_start}"
    return found[0]


def counts(rows, metric_id, **kwargs):
    row = pick(rows, metric_id, **kwargs)
    return row.numerator, row.denominator
