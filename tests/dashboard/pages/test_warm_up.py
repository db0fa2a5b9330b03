"""After every import, England's rows are computed again in the background, so that the
engine's tally cache holds every trust's counts before anyone opens a page."""

import pytest

from perinatal.dashboard.imports.hooks import hooks_for
from perinatal.dashboard.models import TallyCache
from perinatal.dashboard.pages import tasks
from perinatal.dashboard.pages.builders.organisation import trust_page
from perinatal.dashboard.selectors import births

pytestmark = pytest.mark.django_db


def test_every_import_queues_the_warm_up():
    for dataset in ("units", "births", "neonatal_care", "unit_status", "inductions", "survey"):
        assert tasks.enqueue_warm_up in hooks_for(dataset)


def test_the_warm_up_fills_the_tally_cache_that_every_page_reads(django_assert_max_num_queries):
    TallyCache.objects.all().delete()
    assert tasks.warm_up_task.call() == {"warmed": 2}
    assert TallyCache.objects.exists()
    span = births.data_span()
    # Now a trust's page counts nothing in SQL: its counts come from England's.
    with django_assert_max_num_queries(20):
        page = trust_page(code="R0A", span=span)
    assert page.org.code == "R0A"


def test_the_warm_up_without_data(monkeypatch):
    monkeypatch.setattr(births, "data_span", lambda: None)
    assert tasks.warm_up_task.call() == {"warmed": 0}
