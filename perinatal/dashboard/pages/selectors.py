"""Reads the pages need beyond the dashboard's selectors (perinatal.dashboard.selectors):
the span of the data as one value, a trust's ICB and region over time, an ICB's region, and
the midwifery-led unit suspensions shown on a trust's page. Uploads are read through `perinatal.dashboard.selectors.uploads_visible_to(scope)`.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q

from perinatal.dashboard import selectors as dashboard_selectors
from perinatal.kernel.london_time import LONDON
from perinatal.dashboard.metrics.periods import Period
from perinatal.dashboard.models import UnitStatusEpisode
from perinatal.organisations.models import Organisation, TrustParent, Unit

from .periods import DataSpan


def data_span() -> DataSpan | None:
    """The first and last `born_on` of the loaded births; None when no births are loaded."""
    last = dashboard_selectors.data_end()
    if last is None:
        return None
    return DataSpan(first=dashboard_selectors.data_start(), last=last)


def parent_periods(*, trust_code: str) -> list[tuple]:
    """The register's (valid_from, ICB code, region code) of a trust, oldest first."""
    return list(TrustParent.objects.filter(trust__code=trust_code).order_by("valid_from")
                .values_list("valid_from", "icb__code", "region__code"))


def region_of_icb(*, icb_code: str) -> str | None:
    """The register's region of an ICB."""
    return (Organisation.objects.filter(code=icb_code, kind=Organisation.Kind.ICB)
            .values_list("region__code", flat=True).first())


def midwifery_led_suspensions(*, trust_code: str, period: Period) -> list[UnitStatusEpisode]:
    """Suspension episodes of the trust's midwifery-led units overlapping `period` (§3.1:
    "recorded and shown on trust pages but not counted here"), oldest first."""
    start = period.start_instant.astimezone(LONDON)
    end = period.end_instant.astimezone(LONDON)
    return list(
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


def recent_period(*, as_of, days: int) -> Period:
    """The `days` days ending on `as_of`."""
    return Period(as_of - timedelta(days=days - 1), as_of)
