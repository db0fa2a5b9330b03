"""The site's outcome signals page stays fast on the national data (issue 12: 3.5 s, then
0.55 s p95 in `make bench`): a fixed number of queries however many months the CUSUM has, and
the births read through the (trust, born_on) index."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from perinatal.accounts.models import User
from perinatal.surveillance.models import MossRun, SiteMonthResult
from perinatal.surveillance.services.runs import record_moss_run
from tests.helpers import sign_in
from tests.surveillance.platform import SITE_A, worked_example

pytestmark = pytest.mark.django_db


def _shape(sql: str) -> str:
    return re.sub(r"\b\d+\b", "N", sql)


def test_the_site_page_makes_no_query_per_month(client, settings):
    settings.PERINATAL_NOW = "2026-01-12T09:00"
    worked_example(extra_months={(SITE_A, 2025, 12): 4})
    run = record_moss_run(trigger=MossRun.Trigger.COMMAND).run
    months = SiteMonthResult.objects.filter(run=run, site__code=SITE_A).count()
    assert months >= 6
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    client.get(reverse("surveillance:site", args=[SITE_A]))  # sessions and caches settle
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("surveillance:site", args=[SITE_A]))
    assert response.status_code == 200
    repeated = {sql: n for sql, n in Counter(_shape(q["sql"]) for q in queries.captured_queries).items() if n > 2}
    assert repeated == {}, repeated
    daily = [q["sql"] for q in queries.captured_queries if "born_on" in q["sql"] and "GROUP BY" in q["sql"]]
    assert daily and all("organisations_siteownership" in sql for sql in daily), daily
