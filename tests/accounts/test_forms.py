"""The accounts forms: messages that name the field, work email addresses only, a second request
refused politely, and a trust found by name (docs/rules/accounts.md §6, §7)."""

from __future__ import annotations

import inspect

import pytest
from django import forms
from django.core import mail
from django.urls import reverse

from perinatal.accounts import forms as account_forms
from perinatal.accounts.models import AccessRequest
from perinatal.accounts.services.nominations import NominationFileInvalid, parse_nominations
from perinatal.accounts.work_email import is_personal_email
from perinatal.organisations.selectors import search_trusts
from tests.accounts.test_access_requests import REQUEST

FORMS = [
    form
    for _name, form in inspect.getmembers(account_forms, inspect.isclass)
    if issubclass(form, forms.Form) and form.__module__ == account_forms.__name__
]
TEXT_FIELDS = [
    (form, name)
    for form in FORMS
    for name, field in form.base_fields.items()
    if isinstance(field, forms.CharField) and field.max_length
]


def _errors(form_class, data):
    form = form_class(data) if form_class is not account_forms.SetPasswordForm else form_class(data, user=None)
    form.is_valid()
    return form.errors


def test_every_accounts_form_is_checked():
    assert len(FORMS) >= 9 and len(TEXT_FIELDS) >= 12


@pytest.mark.django_db
@pytest.mark.parametrize("form_class, name", TEXT_FIELDS, ids=lambda x: getattr(x, "__name__", x))
def test_no_field_says_djangos_default_words(form_class, name):
    field = form_class.base_fields[name]
    too_long = _errors(form_class, {name: "x" * (field.max_length + 1)}).get(name, [])
    missing = _errors(form_class, {name: ""}).get(name, []) if field.required else []
    for message in too_long + missing:
        assert "Ensure this value" not in message and "This field is required" not in message, message
    if too_long and "characters or fewer" in too_long[0]:
        # The message names the field in the words of its label ("Your full name must be …").
        assert too_long[0].split(" must be ")[0].lower().startswith(("your", "the", "a ", "anything"))


@pytest.mark.parametrize(
    "address",
    ["a.b@gmail.com", "a@googlemail.com", "a@hotmail.co.uk", "a@hotmail.com", "a@outlook.com", "a@live.co.uk",
     "a@yahoo.com", "a@yahoo.co.uk", "a@icloud.com", "a@me.com", "a@aol.com", "a@btinternet.com", "a@proton.me",
     "A@GMAIL.COM"],
)  # fmt: skip
def test_personal_addresses_are_refused(address):
    assert is_personal_email(address)


@pytest.mark.parametrize(
    "address",
    ["amina.okafor@nhs.net", "a@mft.nhs.uk", "a@nhs.uk", "a@outlook.nhs.net", "a@live.nhs.uk",
     "a@npeu.ox.ac.uk", "a@perinatal.example", "a@mail.me.uk", "a@gmailx.com"],
)  # fmt: skip
def test_work_addresses_are_accepted(address):
    assert not is_personal_email(address)


@pytest.mark.django_db
def test_a_nominations_list_with_a_personal_address_is_refused_naming_the_line():
    with pytest.raises(NominationFileInvalid) as refused:
        parse_nominations(b"name,email,role\nAl Jones,al@nhs.net,reporter\nBo Li,bo.li@gmail.com,reporter\n")
    (problem,) = refused.value.problems
    assert problem.line == 3 and problem.column == "email" and "personal email address" in problem.message


@pytest.mark.django_db
def test_a_second_identical_request_is_refused_politely(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:request_access"), REQUEST)
    told = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("accounts:request_access"), {**REQUEST, "email": "Sam.Taylor@NHS.example"})
    page = again.content.decode()
    assert again.status_code == 200 and "You have already asked for access" in page
    assert "<title>Error:" not in page and "request number" in page
    assert AccessRequest.objects.filter(email="sam.taylor@nhs.example").count() == 1
    assert len(mail.outbox) == told  # the authoriser is not told twice


@pytest.mark.django_db
def test_someone_who_already_has_the_access_is_told_by_email_not_on_the_page(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("accounts:request_access"), {**REQUEST, "email": "midwife.r0a@perinatal.example"}
        )
    assert "Request sent" in response.content.decode()
    told = [m for m in mail.outbox if "midwife.r0a@perinatal.example" in m.to]
    assert told and "You already have that access" in told[0].body


@pytest.mark.django_db
def test_trusts_are_found_by_code_name_or_hospital():
    from datetime import date

    day = date(2026, 11, 27)
    assert [m.trust.code for m in search_trusts("r0a", day)] == ["R0A"]
    assert [m.trust.code for m in search_trusts("leeds teaching", day)] == ["RR8"]
    by_site = search_trusts("R0A01", day)
    assert by_site[0].trust.code == "R0A" and by_site[0].sites
    assert "R0A" in [m.trust.code for m in search_trusts("manchester university", day)]
    assert search_trusts("R1C", day) == []  # closed
    assert search_trusts("", day) == []


@pytest.mark.django_db
def test_the_request_form_finds_the_trust_by_name(client):
    response = client.post(reverse("accounts:request_access"), {**REQUEST, "trust_code": "Leeds Teaching Hospitals"})
    assert "Request sent" in response.content.decode()
    assert AccessRequest.objects.get(email="sam.taylor@nhs.example").trust.code == "RR8"


@pytest.mark.django_db
def test_several_matches_come_back_to_choose_from_without_javascript(client):
    page = client.post(reverse("accounts:request_access"), {**REQUEST, "trust_code": "Manchester"}).content.decode()
    assert "<title>Error:" in page and "More than one trust matches" in page and 'href="#id_trust_code"' in page
    assert 'name="trust_choice" type="radio" value="R0A"' in page or 'value="R0A"' in page
    assert not AccessRequest.objects.filter(email="sam.taylor@nhs.example").exists()
    chosen = client.post(
        reverse("accounts:request_access"), {**REQUEST, "trust_code": "Manchester", "trust_choice": "R0A"}
    )
    assert "Request sent" in chosen.content.decode()
    assert AccessRequest.objects.get(email="sam.taylor@nhs.example").trust.code == "R0A"


@pytest.mark.django_db
def test_nothing_found_says_what_to_do(client):
    page = client.post(reverse("accounts:request_access"), {**REQUEST, "trust_code": "Atlantis General"})
    assert "No open NHS trust or hospital matches" in page.content.decode()
