"""A nominations list with a NUL (or an unpaired surrogate) in any cell is refused whole, naming
the line and the column, and nothing is stored (issue 13: PostgreSQL refuses NUL in text, so
storing the name was a 500)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from perinatal.accounts.models import NominatedUser, NominationUpload, User
from perinatal.accounts.services.nominations import UNREADABLE_CELL, NominationFileInvalid, parse_nominations
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

HOM = "hom.r0a@perinatal.example"
GOOD = "Al Jones,al.jones@nhs.example,reporter\n"
NUL_IN_A_NAME = f"name,email,role\n{GOOD}Di\x00 Rose,di.rose@nhs.example,reporter\n".encode()


@pytest.mark.parametrize(
    "row, column",
    [
        ("Di\x00 Rose,di.rose@nhs.example,reporter", "name"),
        ("Di Rose,di.rose@nhs.example\x00,reporter", "email"),
        ("Di Rose,di.rose@nhs.example,reporter\x00", "role"),
        ("Di Rose,di.rose@nhs.example,reporter,note\x00", "4"),
    ],
)
def test_a_nul_in_a_cell_is_refused_naming_the_line_and_column(row, column):
    with pytest.raises(NominationFileInvalid) as refused:
        parse_nominations(f"name,email,role\n{GOOD}{row}\n".encode())
    (problem,) = refused.value.problems
    assert (problem.line, problem.column, problem.message) == (3, column, UNREADABLE_CELL)


def _upload(client, content: bytes):
    sign_in(client, User.objects.get(email=HOM))
    return client.post(reverse("accounts:nominations", args=["R0A"]), {"file": SimpleUploadedFile("list.csv", content)})


def _assert_refused_and_nothing_stored(response):
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<td>3</td><td>name</td><td>{UNREADABLE_CELL}</td>" in page
    assert not NominationUpload.objects.exists() and not NominatedUser.objects.exists()
    assert not User.objects.filter(email="di.rose@nhs.example").exists()


def test_the_page_says_where_and_stores_nothing(client):
    _assert_refused_and_nothing_stored(_upload(client, NUL_IN_A_NAME))


@pytest.mark.postgres
def test_on_postgresql_a_nul_in_a_name_is_refused_not_a_500(client):
    _assert_refused_and_nothing_stored(_upload(client, NUL_IN_A_NAME))
