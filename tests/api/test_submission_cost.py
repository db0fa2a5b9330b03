"""A submission's answer is built from what it stored, not read back (issue 13: a submission
cost ten times the trivial view). Counted in queries, never timed; the answer is the same as
the status read afterwards."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.notifications.services.submission import submit_notification
from perinatal.organisations.selectors import onboarding_for
from tests.notifications.factories import intrapartum_stillbirth, neonatal_death, trust

pytestmark = pytest.mark.django_db

READ_BACK = re.compile(
    r'^SELECT .* FROM "(notifications_bodycase|notifications_delivery|notifications_deliverystatusrecord|'
    r'notifications_informationrequest|notifications_notificationversion|organisations_site)"'
)


def _submit(client, token, document, key):
    return client.post(
        "/api/v1/notifications",
        data=json.dumps(document),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY=key,
    )


@pytest.mark.parametrize(("document", "status"), [(intrapartum_stillbirth, 201), (neonatal_death, 202)])
def test_the_answer_reads_nothing_back_and_matches_the_status(client, document, status):
    token, _ = issue_api_token(trust=trust("R0A"), name="Maternity system", user=None)
    if status == 202:  # the same event already notified: this one is held
        assert _submit(client, token, document(), "first").status_code == 201
    with CaptureQueriesContext(connection) as queries:
        response = _submit(client, token, document(), "second")
    assert response.status_code == status
    read_back = [q["sql"][:120] for q in queries if READ_BACK.match(q["sql"])]
    assert read_back == []
    # Whether the trust is live: the phases naming it or its region, not every phase's members.
    assert len([q for q in queries if "organisations_onboardingphase" in q["sql"]]) == 1
    body = response.json()
    status_read = client.get(body["status_url"], HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert {key: body[key] for key in status_read} == status_read


def test_the_returned_notification_reads_fresh_rows_unless_asked_to_keep_them():
    made = submit_notification(document=intrapartum_stillbirth(), trust=trust("R0A"))
    assert getattr(made, "_prefetched_objects_cache", {}) == {}


def test_onboarding_of_one_trust_agrees_with_the_schedule(settings):
    from perinatal.organisations.selectors import _phase_facts, onboarding_schedule

    for expected in onboarding_schedule():
        every_phase = onboarding_for(expected.trust, phases=_phase_facts())
        assert onboarding_for(expected.trust) == every_phase
