"""The organisation register built from the shipped ODS files, and its updates."""

from datetime import date
from pathlib import Path

import pytest

from perinatal.organisations import register
from perinatal.organisations.etr import EtrFileInvalid
from perinatal.organisations.models import OnboardingPhase, Organisation, OrganisationChange, Site, TrustParent
from perinatal.organisations.selectors import (
    get_trust,
    onboarding_for,
    parent_on,
    site_trust_on,
    trusts_in,
)

pytestmark = pytest.mark.django_db


def icb_code(trust_code: str, day: date) -> str | None:
    parent = parent_on(get_trust(trust_code), day)
    return parent.icb.code if parent and parent.icb else None


def test_regions_icbs_and_trusts_are_loaded():
    assert Organisation.objects.filter(kind="region").count() == 7
    icbs_2025 = TrustParent.objects.on(date(2025, 7, 1)).values("icb").distinct().count()
    icbs_2026 = (
        TrustParent.objects.on(date(2026, 7, 1)).filter(trust__closed_on__isnull=True).values("icb").distinct().count()
    )
    assert icbs_2025 == 42
    assert icbs_2026 == 36
    assert not Organisation.objects.filter(kind="trust", code__startswith="7A").exists()  # Welsh rows skipped


def test_icb_of_a_trust_changes_on_1_april_2026():
    # Royal Free (RAL) was in North Central London (QMJ); from April 2026 in the merged London ICB.
    assert icb_code("RAL", date(2026, 3, 31)) == "QMJ"
    assert icb_code("RAL", date(2026, 4, 1)) == "Z9B2Z"


def test_icbs_begin_in_july_2022():
    assert icb_code("R0A", date(2022, 6, 30)) is None
    assert icb_code("R0A", date(2022, 7, 1)) == "QOP"


def test_a_trust_closed_before_an_extract_keeps_the_earlier_icb():
    # R1C closed on 30 September 2024: after April 2026 it keeps the ICB of the 2025 extract.
    r1c = get_trust("R1C")
    assert r1c.closed_on == date(2024, 10, 1)  # first day closed
    assert icb_code("R1C", date(2026, 6, 1)) == icb_code("R1C", date(2024, 6, 1))
    assert not TrustParent.objects.filter(trust=r1c, valid_from=date(2026, 4, 1)).exists()


def test_new_icb_names_come_from_the_2026_file_and_unknown_ones_show_their_code():
    assert Organisation.objects.get(code="Z9B2Z").display_name.startswith("NHS North West and North Central London")
    blank = Organisation.objects.create(code="Q1X", name="", kind="icb")
    assert blank.display_name == "Q1X"


def test_reloading_changes_nothing():
    before = (Organisation.objects.count(), TrustParent.objects.count())
    summary = register.load_reference_register()
    assert (summary.created, summary.updated, summary.parents) == (0, 0, 0)
    assert (Organisation.objects.count(), TrustParent.objects.count()) == before


def test_sites_move_between_trusts_only_by_a_dated_transfer():
    site = Site.objects.get(code="RVJ01")
    assert site.synthetic
    assert site_trust_on(site, date(2026, 6, 30)).code == "RVJ"
    assert site_trust_on(site, date(2026, 7, 1)).code == "RA7"


def test_trusts_in_an_icb_follow_the_date():
    qmj = Organisation.objects.get(code="QMJ")
    assert trusts_in(qmj, date(2025, 1, 1)).filter(code="RAL").exists()
    assert not trusts_in(qmj, date(2026, 5, 1)).filter(code="RAL").exists()


def test_phases_from_the_letter(settings):
    settings.PERINATAL_NOW = "2025-11-03T07:59"
    assert onboarding_for(get_trust("RYR")).phase.number == 1
    assert onboarding_for(get_trust("RAL")).phase.number == 2
    r0a = onboarding_for(get_trust("R0A"))
    assert r0a.phase.number == 5 and not r0a.is_live
    settings.PERINATAL_NOW = "2025-11-03T08:00"
    assert onboarding_for(get_trust("R0A")).is_live
    # Opened on 1 June 2026, after London went live: no phase until an admin names it.
    assert onboarding_for(get_trust("K0N6A")).phase is None
    # The demo's synthetic later phase names RRK (Midlands would otherwise be phase 5).
    assert onboarding_for(get_trust("RRK")).phase.synthetic


def _etr_line(code, name, region, icb, opened="20000101", closed=""):
    fields = [code, name, region, icb, "", "", "", "", "", "AB1 2CD", opened, closed] + [""] * 15
    return ",".join(f'"{f}"' for f in fields)


def test_update_from_a_newer_etr_keeps_history(tmp_path: Path):
    path = tmp_path / "etr.csv"
    path.write_text(
        "\n".join(
            [
                _etr_line("R0A", "MANCHESTER UNIVERSITY HOSPITALS NHS FOUNDATION TRUST", "Y62", "QOP"),  # renamed
                _etr_line(
                    "RRK", "UNIVERSITY HOSPITALS BIRMINGHAM NHS FOUNDATION TRUST", "Y60", "QHL", closed="20261130"
                ),  # closes
                _etr_line("ZZ1", "A NEW NHS TRUST", "Y62", "QNEW", opened="20261201"),  # new trust, new ICB
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    update = register.update_register_from_etr(path=path, effective_on=date(2026, 12, 1), source="etr test")
    assert update.renamed == ["R0A"] and update.closed == ["RRK"] and update.new_trusts == ["ZZ1"]
    assert update.new_icbs == ["QNEW"]
    r0a = get_trust("R0A")
    assert r0a.name.startswith("MANCHESTER UNIVERSITY HOSPITALS")
    assert OrganisationChange.objects.filter(
        organisation=r0a, field="name", old_value="MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"
    ).exists()
    assert get_trust("RRK").closed_on == date(2026, 12, 1)
    assert Organisation.objects.get(code="QNEW").display_name == "QNEW"  # no name loaded yet
    assert icb_code("ZZ1", date(2026, 12, 5)) == "QNEW"
    assert icb_code("R0A", date(2023, 1, 1)) == "QOP"  # history kept


def test_malformed_etr_is_refused_whole_with_lines_named(tmp_path: Path):
    path = tmp_path / "etr.csv"
    path.write_text(
        "\n".join(
            [
                _etr_line("R0A", "RENAMED TRUST", "Y62", "QOP"),
                _etr_line("RRK", "X", "Y60", "QHL", opened="2026-01-01"),
                '"ONLY","THREE","COLUMNS"',
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(EtrFileInvalid) as refused:
        register.update_register_from_etr(path=path, effective_on=date(2026, 12, 1), source="bad")
    text = str(refused.value)
    assert "line 2, column 11 (open date)" in text and "line 3: has" in text
    assert not get_trust("R0A").name.startswith("RENAMED")


def test_unknown_region_is_refused(tmp_path: Path):
    path = tmp_path / "etr.csv"
    path.write_text(_etr_line("R0A", "RENAMED", "Y99", "QOP") + "\n", encoding="utf-8")
    with pytest.raises(EtrFileInvalid, match=r"line 1, column 3 \(region\)"):
        register.update_register_from_etr(path=path, effective_on=date(2026, 12, 1), source="bad")
    assert get_trust("R0A").name == "MANCHESTER UNIVERSITY NHS FOUNDATION TRUST"


def test_an_admin_assigns_a_phase_to_a_trust_without_one(client):
    from django.urls import reverse

    from perinatal.accounts.roles import Role
    from tests.helpers import make_user, sign_in

    sign_in(client, make_user(Role.REPORTER, "R0A"))
    assert client.post(reverse("organisations:assign_phase", args=["K0N6A"]), {"phase": 2}).status_code == 403
    sign_in(client, make_user(Role.PROGRAMME_ADMIN, "E92000001"))
    phase = OnboardingPhase.objects.get(number=2)
    page = client.get(reverse("organisations:trust", args=["K0N6A"])).content.decode()
    assert "Assign a phase" in page and "Not yet scheduled" in page
    client.post(reverse("organisations:assign_phase", args=["K0N6A"]), {"phase": phase.pk})
    assert onboarding_for(get_trust("K0N6A")).phase == phase
