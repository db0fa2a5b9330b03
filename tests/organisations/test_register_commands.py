"""The register commands, as an operator runs them: bad input is refused, naming the field."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from perinatal.organisations.models import Organisation, Site
from perinatal.organisations.selectors import site_trust_on

pytestmark = pytest.mark.django_db


def test_update_register_refuses_a_malformed_file_naming_lines(tmp_path):
    path = tmp_path / "etr.csv"
    path.write_text('"R0A","NEW NAME","Y62","QOP"\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 1: has"):
        call_command("update_register", etr=str(path), effective="2026-12-01")
    assert Organisation.objects.get(code="R0A").name == "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"etr": "/nonexistent.csv", "effective": "2026-12-01"}, "--etr: no file"),
        ({"etr": __file__, "effective": "1 Dec"}, "--effective: '1 Dec' is not a date"),
    ],
)
def test_update_register_names_bad_arguments(kwargs, message):
    with pytest.raises(CommandError, match=message):
        call_command("update_register", **kwargs)


def test_unknown_ods_code_is_refused():
    with pytest.raises(CommandError, match="code: ZZZ9 is not an ODS code"):
        call_command("set_organisation_name", "ZZZ9", "Nowhere")


def test_new_icb_gets_its_name():
    Organisation.objects.create(code="Q1X", name="", kind="icb")
    call_command("set_organisation_name", "q1x", "NHS EXAMPLE INTEGRATED CARE BOARD")
    assert Organisation.objects.get(code="Q1X").display_name == "NHS Example Integrated Care Board"


def test_transfer_site_keeps_history():
    from datetime import date

    call_command("transfer_site", "R0A01", "RRK", on="2027-01-01")
    site = Site.objects.get(code="R0A01")
    assert site_trust_on(site, date(2026, 12, 31)).code == "R0A"
    assert site_trust_on(site, date(2027, 1, 1)).code == "RRK"
    with pytest.raises(CommandError, match="trust: XX1 is not an ODS code"):
        call_command("transfer_site", "R0A01", "XX1", on="2027-02-01")
    with pytest.raises(CommandError, match="already has a later transfer"):
        call_command("transfer_site", "R0A01", "RYR", on="2026-06-01")
