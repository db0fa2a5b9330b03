"""Access requests, decisions, nominations, account details: and who may see them."""

import pytest
from django.core import mail
from django.urls import reverse

from perinatal.accounts.models import AccessRequest, Membership, User
from perinatal.accounts.roles import Role
from perinatal.accounts.services.access_requests import REQUESTS_PER_NETWORK_ADDRESS
from perinatal.core import audit
from perinatal.core.models import AuditEvent
from perinatal.organisations.models import AccountDetails, Organisation
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

REQUEST = {
    "full_name": "Sam Taylor",
    "email": "sam.taylor@nhs.example",
    "job_title": "Midwife",
    "trust_code": "r0a",
    "role": "reporter",
    "reason": "",
}


def test_anyone_can_request_access_and_the_authoriser_is_told(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:request_access"), REQUEST)
    assert response.status_code == 200 and "Request sent" in response.content.decode()
    request = AccessRequest.objects.get(email="sam.taylor@nhs.example")
    assert request.trust.code == "R0A" and request.status == "pending"
    assert any("hom.r0a@perinatal.example" in m.to for m in mail.outbox)


def test_ten_requests_in_a_second_send_the_authoriser_one_email(client, django_capture_on_commit_callbacks, settings):
    """Issue 13: the form is open to anyone; one email covers the requests of the next 15 minutes."""
    from datetime import timedelta

    from perinatal.core import clock

    start = clock.now()
    for n in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("accounts:request_access"), {**REQUEST, "email": f"person{n}@nhs.example"})
    assert AccessRequest.objects.filter(email__startswith="person").count() == 10  # every request is kept
    to_authoriser = [m for m in mail.outbox if "hom.r0a@perinatal.example" in m.to]
    assert len(to_authoriser) == 1
    # After the quiet time, the next request is emailed again.
    settings.PERINATAL_NOW = (start + timedelta(minutes=16)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:request_access"), {**REQUEST, "email": "late.person@nhs.example"})
    assert len([m for m in mail.outbox if "hom.r0a@perinatal.example" in m.to]) == 2


def test_requests_from_one_network_are_throttled_and_the_one_over_stores_nothing(client):
    """Issue 13: no more than REQUESTS_PER_NETWORK_ADDRESS an hour from one network address."""
    url = reverse("accounts:request_access")
    for n in range(REQUESTS_PER_NETWORK_ADDRESS):
        assert client.post(url, {**REQUEST, "email": f"person{n}@nhs.example"}).status_code == 200
    refused = client.post(url, {**REQUEST, "email": "one.too.many@nhs.example"})
    page = refused.content.decode()
    assert refused.status_code == 429 and "<title>Error:" in page and "Wait 1 hour, then try again" in page
    assert not AccessRequest.objects.filter(email="one.too.many@nhs.example").exists()
    # Another network address is not held up.
    other = client.post(url, {**REQUEST, "email": "elsewhere@nhs.example"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200 and AccessRequest.objects.filter(email="elsewhere@nhs.example").exists()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("trust_code", "XYZ99", "No open NHS trust or hospital matches &#39;XYZ99&#39;"),
        ("trust_code", "R1C", "closed on 1 October 2024"),
        ("trust_code", "", "ODS code, like R0A"),
        ("email", "not-an-email", "Enter your work email address in the correct format"),
        ("email", "sam.taylor@gmail.com", "not a personal one: use NHSmail"),
        ("email", "sam@hotmail.co.uk", "not a personal one: use NHSmail"),
        ("full_name", "x" * 151, "Your full name must be 150 characters or fewer"),
        ("trust_code", "R" * 121, "Your trust must be 120 characters or fewer"),
        ("role", "system_admin", "Select the role you need"),
        ("full_name", "", "Enter your full name"),
    ],
)
def test_bad_requests_name_the_field_and_store_nothing(client, field, value, message):
    before = AccessRequest.objects.count()
    response = client.post(reverse("accounts:request_access"), {**REQUEST, field: value})
    page = response.content.decode()
    assert message in page and "<title>Error:" in page
    assert f'href="#id_{field}' in page
    assert AccessRequest.objects.count() == before


def _pending(trust="R0A", email="sam.taylor@nhs.example"):
    return AccessRequest.objects.create(
        full_name="Sam Taylor",
        email=email,
        job_title="Midwife",
        trust=Organisation.objects.get(code=trust),
        role="reporter",
        created_at="2026-11-01T10:00Z",
    )


def test_authoriser_approves_and_the_requester_gets_an_account(client, django_capture_on_commit_callbacks):
    access_request = _pending()
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    page = client.get(reverse("accounts:access_request", args=[access_request.pk])).content.decode()
    assert "Sam Taylor" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("accounts:access_request", args=[access_request.pk]), {"decision": "approve"})
    assert response.status_code == 302
    user = User.objects.get(email="sam.taylor@nhs.example")
    assert Membership.objects.active().filter(user=user, organisation__code="R0A", role="reporter").exists()
    assert any("Set up your account" in m.subject and "/account/setup/" in m.body for m in mail.outbox)
    assert AuditEvent.objects.filter(action="decide", object_id=str(access_request.pk)).exists()


def test_rejection_needs_a_reason_that_the_requester_sees(client, django_capture_on_commit_callbacks):
    access_request = _pending()
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    url = reverse("accounts:access_request", args=[access_request.pk])
    page = client.post(url, {"decision": "reject", "reason": ""}).content.decode()
    assert "Enter why you are rejecting this request" in page
    access_request.refresh_from_db()
    assert access_request.status == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"decision": "reject", "reason": "Not employed by this trust"})
    access_request.refresh_from_db()
    assert access_request.status == "rejected"
    assert any("Not employed by this trust" in m.body for m in mail.outbox)
    assert not User.objects.filter(email="sam.taylor@nhs.example").exists()


# Every role, at another organisation, is kept out of R0A's records -----------------------
OUTSIDERS = [
    (Role.LOCAL_AUTHORISER, "RYR"),
    (Role.REPORTER, "RYR"),
    (Role.TRUST_VIEWER, "RYR"),
    (Role.REPORTER, "R0A"),
    (Role.TRUST_VIEWER, "R0A"),  # same trust, wrong role
    (Role.ICB_VIEWER, "QOP"),
    (Role.REGIONAL_VIEWER, "Y62"),  # R0A's own ICB and region: not authorisers
    (Role.ICB_VIEWER, "QHL"),
    (Role.REGIONAL_VIEWER, "Y60"),
    (Role.NATIONAL_REVIEWER, "MNSI"),
    (Role.IMPROVEMENT_SUPPORT, "E92000001"),
    (Role.PROGRAMME_ADMIN, "E92000001"),
]


@pytest.mark.parametrize("role, org", OUTSIDERS)
def test_no_other_role_or_trust_reads_r0a_access_requests(client, role, org):
    access_request = _pending()
    audit.record(
        action=audit.Action.VIEW,
        obj=access_request,
        organisation=access_request.trust,
        summary="Event only R0A may read",
        actor=None,
    )
    sign_in(client, make_user(role, org))
    detail = client.get(reverse("accounts:access_request", args=[access_request.pk]))
    assert detail.status_code in (403, 404) and "Sam Taylor" not in detail.content.decode()
    listing = client.get(reverse("accounts:access_requests"))
    assert listing.status_code in (200, 403) and "Sam Taylor" not in listing.content.decode()
    decided = client.post(reverse("accounts:access_request", args=[access_request.pk]), {"decision": "approve"})
    assert decided.status_code in (403, 404)
    access_request.refresh_from_db()
    assert access_request.status == "pending"
    for name in ("accounts:nominations", "organisations:account_details"):
        response = client.get(reverse(name, args=["R0A"]))
        assert response.status_code in (403, 404), name
    audit_page = client.get(reverse("web:audit"))
    assert audit_page.status_code == 403 or "Event only R0A may read" not in audit_page.content.decode()


@pytest.mark.parametrize("role, org", [(Role.LOCAL_AUTHORISER, "R0A"), (Role.SYSTEM_ADMIN, "E92000001")])
def test_the_trusts_authoriser_and_the_system_admin_can(client, role, org):
    access_request = _pending()
    sign_in(client, make_user(role, org))
    assert "Sam Taylor" in client.get(reverse("accounts:access_requests")).content.decode()
    assert client.get(reverse("accounts:access_request", args=[access_request.pk])).status_code == 200
    assert client.get(reverse("organisations:account_details", args=["R0A"])).status_code == 200
    audit.record(
        action=audit.Action.VIEW,
        obj=access_request,
        organisation=access_request.trust,
        summary="Event only R0A may read",
        actor=None,
    )
    assert "Event only R0A may read" in client.get(reverse("web:audit")).content.decode()


def test_account_details_are_kept_current_by_the_authoriser(client):
    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    url = reverse("organisations:account_details", args=["R0A"])
    bad = client.post(url, {"contact_name": "Team", "email": "nope", "phone": "call me"}).content.decode()
    assert "Enter an email address in the correct format" in bad and "Enter a phone number" in bad
    assert AccountDetails.objects.get(trust__code="R0A").email == "maternity.safety@perinatal.example"
    client.post(url, {"contact_name": "Safety team", "email": "safety@nhs.example", "phone": "0161 000 0000"})
    details = AccountDetails.objects.get(trust__code="R0A")
    assert details.email == "safety@nhs.example" and details.updated_by.email == "hom.r0a@perinatal.example"
    assert "safety@nhs.example" in client.get(reverse("organisations:trust", args=["R0A"])).content.decode()


def test_nominated_users_upload(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    sign_in(client, User.objects.get(email="hom.r0a@perinatal.example"))
    url = reverse("accounts:nominations", args=["R0A"])
    bad = SimpleUploadedFile("n.csv", b"name,email,role\nAl,al@nhs.example,reporter\n,bad,wizard\n")
    page = client.post(url, {"file": bad}).content.decode()
    assert "nothing was saved" in page and "wizard" in page
    assert not User.objects.filter(email="al@nhs.example").exists()
    good = SimpleUploadedFile(
        "n.csv", b"name,email,role\nAl Jones,al@nhs.example,reporter\nBo Li,bo@nhs.example,Trust viewer\n"
    )
    assert client.post(url, {"file": good}).status_code == 302
    assert (
        Membership.objects.active()
        .filter(user__email="bo@nhs.example", role="trust_viewer", organisation__code="R0A")
        .exists()
    )
