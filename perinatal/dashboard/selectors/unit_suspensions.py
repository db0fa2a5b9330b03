"""The midwifery-led unit suspensions a trust's page lists (docs/rules/dashboard.md §3.1: "recorded and
shown on trust pages but not counted here")."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet

from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.models import UnitStatusEpisode
from perinatal.kernel.london_time import LONDON
from perinatal.organisations.models import Unit


def midwifery_led_suspensions(*, trust_code: str, period: Period) -> QuerySet[UnitStatusEpisode]:
    """Suspension episodes of the trust's midwifery-led units overlapping `period`, oldest
    first. Lazy: read when the page is rendered, never for the page's download."""
    start = period.start_instant.astimezone(LONDON)
    end = period.end_instant.astimezone(LONDON)
    return (
        UnitStatusEpisode.objects.filter(
            unit__unit_type=Unit.UnitType.MIDWIFERY_LED,
            unit__dashboard_listing__trust__code=trust_code,
            status="suspended",
            started_at__lt=end,
        )
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
        .select_related("unit", "unit__site")
        .order_by("started_at", "unit__code")
    )


def recent_period(*, as_of: date, days: int) -> Period:
    """The `days` days ending on `as_of`."""
    return Period(as_of - timedelta(days=days - 1), as_of)
