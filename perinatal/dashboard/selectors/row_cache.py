"""The pages' finished rows, kept per state of the data.

Each page makes one engine call. The engine keeps the counts of past periods (its tally
cache, in the database) but still rolls every trust up to England for every period on
each call, which for England's five-year series is seconds of Python. The finished rows
depend only on the request, the loaded data (the engine's data version: the latest loaded
upload), the organisation register (which ICB and region each trust was in) and the day
(provisional marking, docs/rules/dashboard.md §2), so they are kept in Django's cache under a key made
of those: a new upload or a register change gives a new key, and stale rows are never
shown.

The cache is `CACHES["dashboard"]` where settings name one, else the default cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields
from datetime import datetime
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db.models import Count, Max

from perinatal.core import clock
from perinatal.dashboard.engine import MetricRequest, OrganisationMap, compute_rows
from perinatal.dashboard.engine.tally_cache import data_version
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.organisations.models import TrustParent

CACHE_ALIAS = "dashboard"
#: The day is part of the key, so rows are recomputed at least daily; older entries expire.
TIMEOUT_SECONDS = 24 * 3600
KEY_PREFIX = "dashboard-pages:2"
T = TypeVar("T")


def page_cache() -> BaseCache:
    return caches[CACHE_ALIAS if CACHE_ALIAS in settings.CACHES else "default"]


def register_version() -> str:
    """Changes whenever a trust's ICB or region periods change."""
    parents = TrustParent.objects.aggregate(count=Count("id"), latest=Max("valid_from"), ended=Max("valid_until"))
    return repr(sorted(parents.items()))


def request_key(request: MetricRequest, *, version: str) -> str:
    described = repr(tuple((field.name, getattr(request, field.name)) for field in fields(request)))
    text = f"{described}|{request.resolved_stillbirth_denominator}|{version}"
    return f"{KEY_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()}"


def data_state() -> str:
    """What the pages' figures depend on besides the request: the loaded data, the register and the day."""
    return f"{data_version()}|{register_version()}|{clock.today().isoformat()}"


def kept(name: str, parts: tuple, compute: Callable[[], T], *, now: datetime | None = None) -> T:
    """compute(), kept like the rows (until the data, the register or the day change) under
    `name` and `parts`: what a page builds from its rows alone, such as its charts, which are
    most of an organisation page's time (issue 12). With its own `now`, always computed."""
    if now is not None:
        return compute()
    text = f"{name}|{parts!r}|{data_state()}"
    key = f"{KEY_PREFIX}:{name}:{hashlib.sha256(text.encode()).hexdigest()}"
    cache = page_cache()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT_SECONDS)
    return value


def rows_for(request: MetricRequest, *, organisations: OrganisationMap) -> list[MetricRow]:
    """compute_rows(request), kept until the data, the register or the day change. A
    request with its own `now` (tests, benchmarks) is always computed."""
    if request.now is not None:
        return compute_rows(request, organisations=organisations)
    key = request_key(request, version=data_state())
    cache = page_cache()
    rows = cache.get(key)
    if rows is None:
        rows = compute_rows(request, organisations=organisations)
        cache.set(key, rows, TIMEOUT_SECONDS)
    return rows
