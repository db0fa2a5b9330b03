"""After every import, every dashboard page is built again in the background (England's first,
so that the engine's tally cache holds every trust's counts), and its rows and charts are kept
in the shared page cache, a database table every web process reads: the first person to open
any page after an import waits no longer than the second (issue 13)."""

import pytest
from django.core.cache import caches

from perinatal.dashboard.imports.hooks import hooks_for
from perinatal.dashboard.metrics.rows import LEVEL_TRUST
from perinatal.dashboard.models import TallyCache
from perinatal.dashboard.pages import tasks
from perinatal.dashboard.pages.builders.organisation import every_organisation, trust_page
from perinatal.dashboard.selectors import births, row_cache

pytestmark = pytest.mark.django_db


def test_every_import_queues_the_warm_up():
    for dataset in ("units", "births", "neonatal_care", "unit_status", "inductions", "survey"):
        assert tasks.enqueue_warm_up in hooks_for(dataset)


def test_the_page_cache_is_a_table_every_process_shares():
    from django.core.cache.backends.db import DatabaseCache

    assert isinstance(row_cache.page_cache(), DatabaseCache)


def test_the_warm_up_builds_every_page_and_a_page_then_makes_no_count_or_chart(django_assert_max_num_queries):
    TallyCache.objects.all().delete()
    row_cache.page_cache().clear()
    span = births.data_span()
    pages = every_organisation(span=span)
    levels = {org.level for org in pages}
    assert {"national", "region", "icb", LEVEL_TRUST} <= levels
    assert tasks.warm_up_task.call() == {"warmed": 3 + len(pages) - 1}
    assert TallyCache.objects.exists()
    # Another process's memory holds nothing: only the shared table is read.
    caches["default"].clear()
    computed = []
    original = row_cache.compute_rows
    row_cache.compute_rows = lambda *args, **kwargs: computed.append(1) or original(*args, **kwargs)
    try:
        with django_assert_max_num_queries(20):
            page = trust_page(code="R0A", span=span)
    finally:
        row_cache.compute_rows = original
    assert page.org.code == "R0A" and computed == []


def test_the_warm_up_without_data(monkeypatch):
    monkeypatch.setattr(births, "data_span", lambda: None)
    assert tasks.warm_up_task.call() == {"warmed": 0}
