"""The pages' finished rows are kept per state of the data (row_cache.py)."""

from dataclasses import replace
from datetime import timedelta

import pytest

from perinatal.core import clock
from perinatal.dashboard.engine import OrganisationMap, default_stillbirth_denominator
from perinatal.dashboard.models import Upload
from perinatal.dashboard.selectors import births, metric_rows, row_cache
from perinatal.organisations.models import Organisation, TrustParent

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = row_cache.compute_rows

    def compute(request, *, organisations):
        calls.append(request)
        return real(request, organisations=organisations)

    monkeypatch.setattr(row_cache, "compute_rows", compute)
    return calls


def _request():
    return metric_rows.organisation_request(
        level="trust", code="R0A", span=births.data_span(), stillbirth_denominator=default_stillbirth_denominator()
    )


def test_rows_are_computed_once_while_nothing_changes(counted):
    orgs = OrganisationMap()
    first = row_cache.rows_for(_request(), organisations=orgs)
    assert row_cache.rows_for(_request(), organisations=orgs) == first
    assert len(counted) == 1


def test_a_loaded_upload_gives_new_rows(counted):
    orgs = OrganisationMap()
    row_cache.rows_for(_request(), organisations=orgs)
    Upload.objects.create(
        dataset="survey", filename="s.csv", status=Upload.Status.LOADED, started_at=clock.now(), finished_at=clock.now()
    )
    row_cache.rows_for(_request(), organisations=orgs)
    assert len(counted) == 2


def test_a_refused_upload_changes_nothing(counted):
    orgs = OrganisationMap()
    row_cache.rows_for(_request(), organisations=orgs)
    Upload.objects.create(
        dataset="survey",
        filename="s.csv",
        status=Upload.Status.REFUSED,
        started_at=clock.now(),
        finished_at=clock.now(),
    )
    row_cache.rows_for(_request(), organisations=orgs)
    assert len(counted) == 1


def test_a_register_change_gives_new_rows(counted):
    orgs = OrganisationMap()
    row_cache.rows_for(_request(), organisations=orgs)
    trust = Organisation.objects.get(code="R0A")
    TrustParent.objects.create(
        trust=trust,
        icb=Organisation.objects.get(code="QOP"),
        region=Organisation.objects.get(code="Y62"),
        valid_from="2030-01-01",
    )
    row_cache.rows_for(_request(), organisations=OrganisationMap())
    assert len(counted) == 2


def test_a_new_day_gives_new_rows(counted, monkeypatch):
    orgs = OrganisationMap()
    row_cache.rows_for(_request(), organisations=orgs)
    tomorrow = clock.today() + timedelta(days=1)
    monkeypatch.setattr(row_cache.clock, "today", lambda: tomorrow)
    row_cache.rows_for(_request(), organisations=orgs)
    assert len(counted) == 2


def test_a_request_with_its_own_now_is_always_computed(counted):
    request = replace(_request(), now=clock.now())
    orgs = OrganisationMap()
    row_cache.rows_for(request, organisations=orgs)
    row_cache.rows_for(request, organisations=orgs)
    assert len(counted) == 2


def test_the_key_depends_on_the_request_and_the_version():
    request = _request()
    assert row_cache.request_key(request, version="a") == row_cache.request_key(request, version="a")
    assert row_cache.request_key(request, version="a") != row_cache.request_key(request, version="b")
    assert row_cache.request_key(request, version="a") != row_cache.request_key(
        replace(request, by="quarter"), version="a"
    )
