"""A name loaded by `perinatal set-organisation-name` reaches every download that names the
organisation: one that a spreadsheet would run as a formula stays text there (CSV: a leading
apostrophe; XLSX: a text cell, never a formula), as perinatal.core.exports promises."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from perinatal.accounts.roles import Role
from perinatal.dashboard.selectors.row_cache import page_cache
from perinatal.organisations.models import ENGLAND_CODE
from tests.equity.pages.test_views import query
from tests.helpers import make_user, sign_in

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://x","y")'
AS_TEXT = "'" + FORMULA


@pytest.fixture
def renamed(client):
    """R0A named by the command as a formula; a national user signed in; no page rows kept."""
    page_cache().clear()
    call_command("set_organisation_name", "R0A", FORMULA, stdout=io.StringIO())
    sign_in(client, make_user(Role.IMPROVEMENT_SUPPORT, ENGLAND_CODE))
    yield client
    page_cache().clear()


def _csv_cells(response) -> list[str]:
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    return [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]


def _assert_csv_keeps_the_name_as_text(response):
    cells = _csv_cells(response)
    assert AS_TEXT in cells
    assert not [cell for cell in cells if cell.startswith("=")]


def _assert_xlsx_keeps_the_name_as_text(response):
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    named = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and "HYPERLINK" in cell.value
    ]
    assert (
        named
        and [(cell.parent.title, cell.coordinate, cell.data_type) for cell in named if cell.data_type != "s"] == []
    )
    # No sheet of the file holds a formula at all.
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheets = [name for name in archive.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", name)]
        assert sheets
        for name in sheets:
            assert "<f>" not in archive.read(name).decode(), name


def test_the_name_is_stored_as_given(renamed):
    from perinatal.organisations.models import Organisation

    assert Organisation.objects.get(code="R0A").name == FORMULA


def test_the_trust_page_downloads_keep_the_name_as_text(renamed):
    url = reverse("dashboard:trust", args=["R0A"])
    _assert_csv_keeps_the_name_as_text(renamed.get(url, {"download": "csv"}))
    _assert_xlsx_keeps_the_name_as_text(renamed.get(url, {"download": "xlsx"}))


def test_the_trusts_table_downloads_keep_the_name_as_text(renamed):
    url = reverse("dashboard:trusts")
    _assert_csv_keeps_the_name_as_text(renamed.get(url, {"region": "Y62", "download": "csv"}))
    _assert_xlsx_keeps_the_name_as_text(renamed.get(url, {"region": "Y62", "download": "xlsx"}))


def test_the_equity_downloads_keep_the_name_as_text(renamed):
    url = reverse("equity_breakdowns:trust", args=["R0A"])
    _assert_csv_keeps_the_name_as_text(renamed.get(url, query(download="csv")))
    _assert_xlsx_keeps_the_name_as_text(renamed.get(url, query(download="xlsx")))


def test_the_metrics_api_csv_keeps_the_name_as_text(renamed):
    response = renamed.get("/api/v1/metrics", {"from": "2026-01-01", "to": "2026-03-31", "org": "R0A", "format": "csv"})
    _assert_csv_keeps_the_name_as_text(response)


def test_the_commands_csv_keeps_the_name_as_text(renamed):
    for command, args in (
        ("metrics", ["--from", "2026-01-01", "--to", "2026-03-31", "--level", "trust"]),
        ("equity", ["--from", "2026-01-01", "--to", "2026-03-31", "--level", "trust"]),
    ):
        out = io.StringIO()
        call_command(command, *args, stdout=out)
        cells = [cell for row in csv.reader(io.StringIO(out.getvalue())) for cell in row]
        assert AS_TEXT in cells, command
        assert not [cell for cell in cells if cell.startswith("=")], command
