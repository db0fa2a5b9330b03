"""Issue 12: trust board viewers saw mothers' NHS numbers, dates of birth and postcodes.

docs/adr/0021-who-sees-identifiers.md: the trust's board, executives and analysts (trust
viewers), its perinatal leadership and its executive lead see events, not people. This walks
every page and download a notification appears on, as each of those roles, over a stillbirth,
a neonatal death and a maternal death (one amended, so two versions of the mother's details;
one asked a question by a body, answered), and finds none of the identifiers in any form a
page writes them: NHS numbers as stored and spaced, dates of birth as ISO and in words,
postcodes with and without the space. The reporter's pages are the control: the same walk
finds them there.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.core.formatting import long_date
from perinatal.notifications.models import Delivery
from perinatal.notifications.services.amendment import amend_notification
from perinatal.notifications.services.information_requests import answer_information_request, request_information
from tests.helpers import make_user, sign_in
from tests.notifications.factories import intrapartum_stillbirth, maternal_event, neonatal_death, reporter, submit

pytestmark = pytest.mark.django_db

REVIEWER = "reviewer.mbrrace@perinatal.example"
MOTHERS = ("9990000204", "9990000212", "9990000220")
BABIES = ("9990000255", "9990000263")
BORN = (date(1990, 5, 17), date(1988, 11, 3), date(1993, 2, 21))
POSTCODES = ("LS1 4AP", "M20 2LR", "B15 2TT")
AMENDED_POSTCODE = "M14 6HR"
BOARD_ROLES = (Role.TRUST_VIEWER, Role.PERINATAL_LEADERSHIP, Role.EXECUTIVE_LEAD)


def _mother(document: dict, index: int) -> dict:
    document["mother"].update(
        nhs_number=MOTHERS[index], date_of_birth=BORN[index].isoformat(), postcode=POSTCODES[index]
    )
    if index < len(BABIES):
        document["baby"]["nhs_number"] = BABIES[index]
    return document


def _spaced(number: str) -> str:
    return f"{number[:3]} {number[3:6]} {number[6:]}"


def _forms() -> list[str]:
    """Every way a page or a file could write one of the identifiers."""
    forms = []
    for number in MOTHERS + BABIES:
        forms += [number, _spaced(number)]
    for born in BORN:
        forms += [born.isoformat(), long_date(born), born.strftime("%d/%m/%Y")]
    for postcode in (*POSTCODES, AMENDED_POSTCODE):
        forms += [postcode, postcode.replace(" ", "")]
    return forms


@pytest.fixture
def notifications():
    stillbirth = submit(_mother(intrapartum_stillbirth(), 0))
    nnd = submit(_mother(neonatal_death(), 1))
    maternal = submit(_mother(maternal_event(), 2))
    Delivery.objects.update(status=Delivery.Status.SENT)
    document = dict(nnd.current_version.document)
    document["mother"] = {**document["mother"], "postcode": AMENDED_POSTCODE}
    amend_notification(notification=nnd, document=document, reason="Postcode corrected", user=reporter())
    question = request_information(
        notification=stillbirth, body="MBRRACE_UK", question="Was a post-mortem offered?", user=reporter(REVIEWER)
    )
    answer_information_request(information_request=question, answer="Yes, it was offered.", user=reporter())
    return [stillbirth, nnd, maternal]


def _pages(client, notifications) -> dict[str, str]:
    """Every page and download a trust's notifications appear on, as the signed-in reader gets it."""
    urls = [
        reverse("web:home"),
        reverse("notifications:list"),
        reverse("notifications:list") + "?search=" + notifications[0].reference,
        reverse("notifications:inbox"),
        reverse("notifications:inbox_download", args=["MBRRACE_UK"]),
        reverse("surveillance:site", args=["R0A01"]),  # notified deaths beside the MOSS chart
        reverse("web:audit"),
        reverse("web:audit_download"),
    ]
    for notification in notifications:
        urls += [
            reverse("notifications:detail", args=[notification.reference]),
            reverse("notifications:amend", args=[notification.reference]),
            reverse("notifications:inbox_detail", args=["MBRRACE_UK", notification.reference]),
        ]
        for question in notification.information_requests.all():
            urls.append(reverse("notifications:answer", args=[notification.reference, question.pk]))
    pages = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403, 404), (url, response.status_code)
        pages[url] = response.content.decode("utf-8-sig")
    return pages


@pytest.mark.parametrize("role", BOARD_ROLES, ids=lambda role: role.value)
def test_board_roles_see_no_nhs_number_date_of_birth_or_postcode_anywhere(client, notifications, role):
    sign_in(client, make_user(role, "R0A"))
    pages = _pages(client, notifications)
    if role == Role.TRUST_VIEWER:  # the trust viewer reads the notifications, without who
        detail = pages[reverse("notifications:detail", args=[notifications[0].reference])]
        assert notifications[0].reference in detail and "your role does not need them" in detail
    for url, text in pages.items():
        for identifier in _forms():
            assert identifier not in text, (role.value, url, identifier)


def test_the_reporter_sees_them_so_the_walk_would_find_them(client, notifications):
    sign_in(client, reporter())
    shown = "\n".join(_pages(client, notifications).values())
    assert _spaced(MOTHERS[0]) in shown and POSTCODES[2] in shown and long_date(BORN[0]) in shown
    assert AMENDED_POSTCODE in shown
