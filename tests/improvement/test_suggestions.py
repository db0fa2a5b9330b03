"""Concerns the platform suggests for the region to triage (docs/rules/improvement.md §1): an
overdue MOSS safety check, a site signalling again within 12 months; recorded as a concern only
when someone triages it, and not suggested again after.

The scenario of the outcome signals tests: data to December 2025, MOSS run on 12 January 2026;
R0A01 (trust R0A, region Y62) and RRK01 (trust RRK, region Y60) each have an open safety check
due on 22 January 2026.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.urls import reverse

from perinatal.accounts.scoping import scope_for
from perinatal.improvement.models import Case, Concern
from perinatal.improvement.selectors.suggestions import suggested_concerns
from perinatal.organisations.models import Organisation, Site
from perinatal.surveillance.models import CriticalSafetyCheck, MossRun
from perinatal.surveillance.services.runs import record_moss_run
from tests.helpers import sign_in
from tests.improvement.factories import IST, REGION_LEAD, user
from tests.surveillance.platform import SITE_A, SITE_B, worked_example

pytestmark = pytest.mark.django_db


@pytest.fixture
def checks(settings):
    settings.PERINATAL_NOW = "2026-01-12T09:00"
    months = {(SITE_B, 2025, month): 1 for month in range(7, 13)}
    months[(SITE_A, 2025, 12)] = 4
    worked_example(extra_months=months)
    outcome = record_moss_run(trigger=MossRun.Trigger.COMMAND)
    return {check.site.code: check for check in outcome.checks_opened}


def keys(email: str, today: date) -> list[str]:
    return [s.key for s in suggested_concerns(scope_for(user(email)), today=today, metrics=False)]


def test_an_overdue_safety_check_is_suggested_from_the_day_after_its_due_date(checks):
    a, b = checks[SITE_A], checks[SITE_B]
    assert a.due_on == date(2026, 1, 22)
    assert keys(IST, date(2026, 1, 22)) == []  # the due date itself is still in time
    assert keys(IST, date(2026, 1, 23)) == [f"overdue_safety_check:{a.pk}", f"overdue_safety_check:{b.pk}"]
    assert keys(REGION_LEAD, date(2026, 1, 23)) == [f"overdue_safety_check:{a.pk}"]  # region Y62: R0A only
    (suggestion,) = suggested_concerns(scope_for(user(REGION_LEAD)), today=date(2026, 1, 23), metrics=False)
    assert (suggestion.trust.code, suggestion.concern_type, suggestion.identified_on) == (
        "R0A",
        "moss",
        date(2026, 1, 23),
    )


def test_a_site_signalling_again_within_12_months(checks):
    site = Site.objects.get(code=SITE_A)
    earlier = CriticalSafetyCheck.objects.create(
        site=site,
        trust=Organisation.objects.get(code="R0A"),
        opened_at=datetime(2025, 3, 3, 9, tzinfo=UTC),
        opened_on=date(2025, 3, 3),
        due_on=date(2025, 3, 13),
        status=CriticalSafetyCheck.Status.COMPLETED,
    )
    a = checks[SITE_A]
    assert f"repeat_signal:{a.pk}" in keys(REGION_LEAD, date(2026, 1, 12))
    # More than 12 months after the earlier one, it is not a repeat.
    CriticalSafetyCheck.objects.filter(pk=earlier.pk).update(opened_on=date(2025, 1, 11))
    assert f"repeat_signal:{a.pk}" not in keys(REGION_LEAD, date(2026, 1, 12))


def test_the_region_triages_a_suggestion_into_a_case(client, checks, settings):
    settings.PERINATAL_NOW = "2026-01-26T09:00"
    a = checks[SITE_A]
    sign_in(client, user(REGION_LEAD))
    page = client.get(reverse("improvement:concerns")).content.decode()
    key = f"overdue_safety_check:{a.pk}"
    assert "was due on 22 January 2026 and is not completed" in page
    url = reverse("improvement:triage_suggestion") + f"?key={key}"
    assert Concern.objects.count() == 0  # suggesting records nothing
    assert "Critical safety check CSC-" in client.get(url).content.decode()
    refused = client.post(url, {"decision": "accept", "reason": "", "system_scope": "trust"})
    assert "Enter why you decided this" in refused.content.decode() and Concern.objects.count() == 0
    accepted = client.post(url, {"decision": "accept", "reason": "Overdue by 2 days", "system_scope": "trust"})
    case = Case.objects.get()
    assert accepted["Location"] == reverse("improvement:case", args=[case.pk])
    concern = Concern.objects.get()
    assert (concern.suggestion_key, concern.safety_check, case.identified_on) == (key, a, date(2026, 1, 23))
    assert key not in client.get(reverse("improvement:concerns")).content.decode()
    assert client.get(url).status_code == 404  # triaged once, not suggested again


def test_a_trust_user_cannot_triage(client, checks):
    sign_in(client, user("hom.r0a@perinatal.example"))
    assert client.get(reverse("improvement:concerns")).status_code == 403


def test_the_evidence_pack_of_the_quarter(client, checks, settings):
    from perinatal.improvement.selectors.evidence import evidence_pack
    from tests.improvement.factories import opened_case

    settings.PERINATAL_NOW = "2026-01-26T09:00"
    case = opened_case("R0A", date(2026, 1, 5))
    pack = evidence_pack(case, as_of=date(2026, 1, 26))
    assert str(pack.quarter) == "2026-Q1"
    assert {signal.site.code for signal in pack.signals} == {SITE_A}
    assert pack.checks_opened == pack.checks_overdue == (checks[SITE_A],)  # opened 12, due 22 January
    assert evidence_pack(case, as_of=date(2026, 1, 22)).checks_overdue == ()
    sign_in(client, user("hom.r0a@perinatal.example"))
    page = client.get(reverse("improvement:case", args=[case.pk])).content.decode()
    assert "Evidence pack for the review of January to March 2026" in page
    assert f"{checks[SITE_A].reference}</a> at {SITE_A} is overdue: it was due 22 January 2026" in page
