"""Imports (docs/rules/dashboard.md §1): whole-file checks, nothing kept from a bad file, replacement by
natural key, units into the register, the bulk paths, hooks, progress and audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection, connections

from perinatal.core.models import AuditEvent
from perinatal.dashboard.datasets import problems as p
from perinatal.dashboard.datasets import validate_csv
from perinatal.dashboard.imports import loading, staging
from perinatal.dashboard.imports.hooks import register_after_import, unregister_after_import
from perinatal.dashboard.imports.register_snapshot import RegisterSnapshot
from perinatal.dashboard.models import (
    BirthRecord,
    InductionRecord,
    NeonatalCareRecord,
    SurveyResult,
    UnitListing,
    UnitStatusEpisode,
    Upload,
)
from perinatal.dashboard.services import UnknownDataset, import_dataset
from perinatal.organisations.models import Site, SiteOwnership, Unit
from tests.dashboard.factories import admission, at, birth, episode, induction, survey_row, unit
from tests.dashboard.import_helpers import import_records, write_records, write_text

pytestmark = pytest.mark.django_db

HEADER = (
    "baby_id,mother_id,trust_code,site_code,born_on,gestation_days,birth_weight_g,outcome,termination,"
    "neonatal_death_on,blood_loss_ml,multiple_birth,mother_age,ethnic_group,imd_quintile,onset_of_labour"
)


def _birth_line(
    baby_id: str,
    *,
    trust: str = "R0A",
    site: str = "R0A01",
    born_on: str = "2025-06-15",
    loss: str = "300",
    mother: str | None = None,
) -> str:
    return (
        f"{baby_id},{mother or 'M-' + baby_id},{trust},{site},{born_on},280,3400,live,0,,{loss},0,30,"
        "White,3,spontaneous"
    )


def _births_file(tmp_path, lines, name="births.csv"):
    return write_text(tmp_path / name, "\n".join([HEADER, *lines]) + "\n")


def _table_state():
    return {
        "births": sorted(
            BirthRecord.objects.values_list("baby_id", "mother_id", "born_on", "blood_loss_ml", "upload_id")
        ),
        "sites": Site.objects.count(),
        "units": Unit.objects.count(),
        "listings": UnitListing.objects.count(),
    }


def test_a_bad_births_file_is_refused_with_both_lines_named_and_the_database_unchanged(tmp_path):
    existing = BirthRecord.objects.order_by("baby_id").first()
    assert existing is not None  # the small demo is loaded in the test database
    before = _table_state()
    path = _births_file(
        tmp_path,
        [
            _birth_line(existing.baby_id, loss="9999"),  # line 2: a good row replacing a stored one
            _birth_line("NEW-1", born_on="2025-02-30"),  # line 3: wrong date
            _birth_line("NEW-2"),  # line 4: good
            _birth_line("NEW-3", trust="XYZ99", site="R0A01"),  # line 5: unknown trust
        ],
    )
    upload = import_dataset(dataset="births", path=path)
    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["column"], e["code"]) for e in upload.errors] == [
        (3, "born_on", p.ERR_NOT_A_DATE),
        (5, "trust_code", p.ERR_UNKNOWN_TRUST),
    ]
    assert "'2025-02-30' is not a real date" in upload.errors[0]["message"]
    assert "XYZ99" in upload.errors[1]["message"]
    assert upload.error_count == 2 and upload.rows_added == 0
    assert _table_state() == before
    assert not BirthRecord.objects.filter(baby_id__startswith="NEW-").exists()


def test_loading_a_file_again_replaces_the_rows_with_the_same_key(tmp_path):
    first = import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("K1"), _birth_line("K2")]))
    assert (first.status, first.rows_added, first.rows_replaced) == ("loaded", 2, 0)
    second = import_dataset(
        dataset="births",
        path=_births_file(tmp_path, [_birth_line("K1", loss="1600"), _birth_line("K2")], name="births.csv"),
    )
    assert (second.status, second.rows_added, second.rows_replaced) == ("loaded", 0, 2)
    assert BirthRecord.objects.filter(baby_id__in=["K1", "K2"]).count() == 2
    k1 = BirthRecord.objects.get(baby_id="K1")
    assert k1.blood_loss_ml == 1600 and k1.upload_id == second.pk


def test_a_corrected_file_under_another_name_never_duplicates(tmp_path):
    import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("C1"), _birth_line("C2")]))
    corrected = import_dataset(
        dataset="births",
        path=_births_file(
            tmp_path,
            [_birth_line("C1", born_on="2025-06-16"), _birth_line("C2"), _birth_line("C3")],
            name="births-corrected-v2.csv",
        ),
    )
    assert corrected.filename == "births-corrected-v2.csv"
    assert (corrected.rows_added, corrected.rows_replaced) == (1, 2)
    assert BirthRecord.objects.filter(baby_id__startswith="C").count() == 3
    assert BirthRecord.objects.get(baby_id="C1").born_on == date(2025, 6, 16)


def test_a_key_twice_in_one_file_names_both_lines_even_beside_other_errors(tmp_path):
    path = _births_file(
        tmp_path,
        [
            _birth_line("D1"),
            _birth_line("D2", born_on="not-a-date"),
            _birth_line("D3"),
            _birth_line("D1"),
            _birth_line("D1"),
        ],
    )
    upload = import_dataset(dataset="births", path=path)
    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["code"]) for e in upload.errors] == [
        (3, p.ERR_NOT_A_DATE),
        (5, p.ERR_DUPLICATE_KEY),
        (6, p.ERR_DUPLICATE_KEY),
    ]
    assert upload.errors[1]["message"] == (
        "line 2 and line 5 have the same baby_id (D1); each may appear only once in a file"
    )
    assert upload.errors[1]["column"] == "baby_id"
    assert not BirthRecord.objects.filter(baby_id__startswith="D").exists()


def test_a_duplicate_episode_key_is_named_in_the_file_s_own_terms(tmp_path):
    unit_code = UnitListing.objects.filter(unit__unit_type="obstetric").first().unit.code
    episodes = [
        episode(unit_code, "2025-10-26T01:30", "2025-10-26T05:00"),
        episode(unit_code, "2025-10-26T01:30", "2025-10-26T06:00"),
    ]
    upload = import_records(tmp_path, "unit_status", episodes)
    assert upload.status == Upload.Status.REFUSED
    assert upload.errors[0]["column"] == "unit_code + started_at"
    assert f"({unit_code}, 2025-10-26T01:30)" in upload.errors[0]["message"]


def test_only_the_first_100_errors_are_kept_and_every_one_is_counted(tmp_path):
    lines = [_birth_line(f"E{n}", born_on="2025-13-01") for n in range(130)]
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, lines))
    assert upload.error_count == 130 and len(upload.errors) == 100
    assert [e["line"] for e in upload.errors] == list(range(2, 102))


@pytest.mark.parametrize(
    "losses",
    [
        ("300", "300", "300"),  # twins, the same blood loss: no note
        ("300", "1600", "1600"),  # the second row differs
        ("", "300", "1600"),  # unknown first, then two different values
    ],
)
def test_the_blood_loss_note_made_in_sql_equals_the_validator_s(tmp_path, losses):
    lines = [_birth_line(f"T{n}", mother="MOTHER-1", loss=loss) for n, loss in enumerate(losses)]
    lines += [_birth_line("OTHER", mother="MOTHER-2", loss="200"), _birth_line("OTHER2", mother="MOTHER-2", loss="201")]
    path = _births_file(tmp_path, lines)
    sites = dict(SiteOwnership.objects.values_list("site__code", "trust__code"))
    with open(path, encoding="utf-8", newline="") as handle:
        validation = validate_csv("births", handle, known_trusts={"R0A"}, known_sites=sites)
        validation.records()
    expected = [n for n in validation.notes if n.code == p.DQ_BLOOD_LOSS_DIFFERS]
    upload = import_dataset(dataset="births", path=path)
    found = [n for n in upload.notes if n["code"] == p.DQ_BLOOD_LOSS_DIFFERS]
    assert [(n["count"], tuple(n["lines"]), n["message"]) for n in found] == [
        (n.count, n.lines, n.message) for n in expected
    ]


def test_units_add_new_sites_under_their_trust_and_listings_remember_the_upload(tmp_path):
    upload = import_records(
        tmp_path,
        "units",
        [
            unit("R0A91-OBS", site_code="R0A91", trust_code="R0A", opened_on=date(2024, 3, 1)),
            unit(
                "R0A91-NNU",
                site_code="R0A91",
                trust_code="R0A",
                unit_type="neonatal",
                neonatal_level="SCU",
                opened_on=date(2023, 1, 1),
            ),
        ],
    )
    assert upload.status == Upload.Status.LOADED and upload.rows_added == 2
    assert [n["code"] for n in upload.notes] == [p.DQ_NEW_SITE]
    ownership = SiteOwnership.objects.get(site__code="R0A91")
    assert ownership.trust.code == "R0A" and ownership.valid_from == date(2023, 1, 1)
    listing = UnitListing.objects.get(unit__code="R0A91-NNU")
    assert listing.trust.code == "R0A" and listing.upload == upload and listing.unit.neonatal_level == "SCU"


def test_a_known_site_under_another_trust_is_refused(tmp_path):
    before = Unit.objects.count()
    upload = import_records(tmp_path, "units", [unit("X-OBS", site_code="R0A01", trust_code="RJ1")])
    assert upload.status == Upload.Status.REFUSED
    assert upload.errors[0]["code"] == p.ERR_SITE_OF_OTHER_TRUST and upload.errors[0]["line"] == 2
    assert Unit.objects.count() == before


def test_after_a_dated_transfer_units_may_name_the_new_trust(tmp_path):
    site = SiteOwnership.objects.filter(site__code__startswith="RVJ", trust__code="RA7").first().site.code
    upload = import_records(
        tmp_path, "units", [unit(f"{site}-OBS", site_code=site, trust_code="RA7", opened_on=date(2026, 7, 1))]
    )
    assert upload.status == Upload.Status.LOADED
    assert UnitListing.objects.get(unit__code=f"{site}-OBS").trust.code == "RA7"


def test_unit_status_episodes_are_replaced_by_unit_and_start(tmp_path):
    import_records(tmp_path, "units", [unit("R0A92-OBS", site_code="R0A92")])
    import_records(tmp_path, "unit_status", [episode("R0A92-OBS", "2025-10-25T22:00", None)])
    again = import_records(tmp_path, "unit_status", [episode("R0A92-OBS", "2025-10-25T22:00", "2025-10-26T05:00")])
    assert (again.rows_added, again.rows_replaced) == (0, 1)
    stored = UnitStatusEpisode.objects.get(unit__code="R0A92-OBS")
    # 22:00 BST to 05:00 GMT across the October change: 8 real hours
    assert stored.ended_s - stored.started_s == 8 * 3600
    assert stored.ended_at == at("2025-10-26T05:00")


def test_other_datasets_are_stored_exactly(tmp_path):
    import_records(
        tmp_path,
        "neonatal_care",
        [admission("N-1", admission_temperature_c=Decimal("37.55"), antenatal_magnesium=None)],
    )
    baby = NeonatalCareRecord.objects.get(baby_id="N-1")
    assert baby.admission_temperature_c == Decimal("37.55") and baby.antenatal_magnesium is None
    import_records(tmp_path, "inductions", [induction("I-1", "2025-03-29T02:30", None)])
    woman = InductionRecord.objects.get(induction_id="I-1")
    # 24 real hours after 02:30 GMT on 29 March is 03:30 BST on 30 March
    assert woman.delay_point_s - int(at("2025-03-29T02:30").timestamp()) == 24 * 3600
    assert woman.started_at is None and woman.started_s is None
    import_records(tmp_path, "survey", [survey_row(2024, 300, 41)])
    assert SurveyResult.objects.get(trust__code="R0A", survey_year=2024).yes == 41


def test_a_file_that_is_not_utf8_is_refused_at_its_line(tmp_path):
    path = tmp_path / "births.csv"
    path.write_bytes((HEADER + "\n" + _birth_line("U1") + "\n").encode() + "café\n".encode("latin-1"))
    upload = import_dataset(dataset="births", path=path)
    assert upload.status == Upload.Status.REFUSED
    assert upload.errors == [
        {
            "line": 3,
            "column": None,
            "code": p.ERR_UNREADABLE_CSV,
            "message": "this line is not UTF-8 text: save the file as CSV UTF-8",
        }
    ]


def test_an_unknown_dataset_is_refused_before_anything_is_read(tmp_path):
    with pytest.raises(UnknownDataset, match="'deliveries' is not a dataset"):
        import_dataset(dataset="deliveries", path=_births_file(tmp_path, []))


def test_hooks_run_after_a_loaded_births_file_only(tmp_path, django_capture_on_commit_callbacks):
    seen = []

    def hook(upload):
        seen.append((upload.dataset, upload.status))

    register_after_import(dataset="births", hook=hook)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("H1")]))
            import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("H2", born_on="x")]))
            import_records(tmp_path, "survey", [survey_row(2024, 10, 1)])
    finally:
        unregister_after_import(dataset="births", hook=hook)
    assert seen == [("births", "loaded")]
    with pytest.raises(ValueError, match="unknown dataset"):
        register_after_import(dataset="deliveries", hook=hook)


def test_progress_is_reported_while_checking_and_loading(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "PROGRESS_EVERY_ROWS", 2)
    updates = []
    import_dataset(
        dataset="births", path=_births_file(tmp_path, [_birth_line(f"P{n}") for n in range(5)]), progress=updates.append
    )
    checking = [u for u in updates if u.phase == staging.PHASE_CHECKING]
    loading_updates = [u for u in updates if u.phase == staging.PHASE_LOADING]
    assert [u.rows_done for u in checking] == [2, 4, 5]
    assert checking[-1].bytes_done == checking[-1].bytes_total and checking[-1].fraction == 1.0
    assert loading_updates[-1].rows_done == 5 and loading_updates[-1].fraction == 1.0


def test_the_bulk_path_is_copy_on_postgresql_and_executemany_on_sqlite(tmp_path, monkeypatch):
    calls = []
    for name in ("_copy_postgresql", "_insert_sqlite"):
        original = getattr(loading, name)
        monkeypatch.setattr(loading, name, lambda *a, _o=original, _n=name, **k: (calls.append(_n), _o(*a, **k))[1])
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("B-1")]))
    assert upload.status == Upload.Status.LOADED
    assert calls == ["_copy_postgresql" if connection.vendor == "postgresql" else "_insert_sqlite"]


@pytest.mark.postgres
def test_postgresql_loads_through_copy_into_a_staging_table(tmp_path, monkeypatch):
    assert connection.vendor == "postgresql"
    monkeypatch.setattr(loading, "COPY_CHUNK_BYTES", 64)  # many chunks
    lines = [_birth_line(f"PG{n}", loss=str(1000 + n)) for n in range(50)]
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, lines))
    assert (upload.status, upload.rows_added) == ("loaded", 50)
    assert BirthRecord.objects.get(baby_id="PG49").blood_loss_ml == 1049
    with connection.cursor() as cursor:  # the staging table is gone
        cursor.execute("SELECT to_regclass('dashboard_staging_births')")
        assert cursor.fetchone()[0] is None


def test_every_upload_is_audited_without_the_file_name(tmp_path):
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, [_birth_line("A1")], name="Jane-Doe.csv"))
    event = AuditEvent.objects.get(object_type="dashboard.Upload", object_id=str(upload.pk))
    assert event.action == "upload" and "loaded, 1 rows" in event.summary and "Jane" not in event.summary


# --- Checking a big file in parts (no database) -------------------------------------------
def _snapshot() -> RegisterSnapshot:
    return RegisterSnapshot(
        trust_ids={"R0A": 1, "RJ1": 2},
        site_ids={"R0A01": 10, "RJ101": 20},
        site_trusts={"R0A01": frozenset({"R0A"}), "RJ101": frozenset({"RJ1"})},
        units={},
    )


@pytest.mark.django_db(False)
@pytest.mark.parametrize("dataset", ["births", "inductions"])
def test_a_file_checked_in_parts_gives_what_one_pass_gives(tmp_path, monkeypatch, dataset):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    # The test runner holds the connection in a transaction, so an import would check in one
    # piece (_may_fork); these parts touch no database, so fork anyway, leaving it open.
    monkeypatch.setattr(staging, "_may_fork", lambda: True)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    if dataset == "births":
        days = [date(2025, 1, 1) + timedelta(days=n % 60) for n in range(200)]
        records = [
            birth(f"S{n}", born_on=day, neonatal_death_on=day + timedelta(days=28) if n % 17 == 0 else None)
            for n, day in enumerate(days)
        ]
        records[40] = replace(records[40], trust_code="XYZ99")
        records[150] = replace(records[150], gestation_days=None, birth_weight_g=300)
    else:
        records = [induction(f"I{n}", f"2025-01-{1 + n % 28:02d}T10:00", None) for n in range(200)]
        records[99] = replace(records[99], site_code="NOPE1")
    path = write_records(tmp_path / f"{dataset}.csv", dataset, records)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n")  # a blank line at the end
    whole = staging.stage_file(dataset=dataset, source=path, register=_snapshot(), vendor="sqlite", workers=1)
    parts = staging.stage_file(dataset=dataset, source=path, register=_snapshot(), vendor="sqlite", workers=3)
    try:
        assert len(whole.paths) == 1 and len(parts.paths) == 3
        assert (parts.rows, parts.error_count, parts.errors) == (whole.rows, whole.error_count, whole.errors)
        assert sorted(parts.notes, key=lambda n: n.code) == sorted(whole.notes, key=lambda n: n.code)
        assert b"".join(q.read_bytes() for q in parts.paths) == whole.paths[0].read_bytes()
    finally:
        whole.discard()
        parts.discard()


def test_no_file_is_checked_in_parts_inside_a_transaction(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    path = write_records(tmp_path / "births.csv", "births", [birth(f"W{n}") for n in range(20)])
    upload = import_dataset(dataset="births", path=path, workers=2)  # the test runs in a transaction
    assert upload.status == Upload.Status.LOADED and upload.rows == 20


@pytest.mark.django_db(False)
def test_a_file_with_a_quote_is_never_cut(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    path = write_records(tmp_path / "births.csv", "births", [birth(f"Q{n}") for n in range(20)])
    assert staging.plan_parts(path, parts=2) is not None
    path.write_text(path.read_text().replace("Q3,", '"Q3",'))
    assert staging.plan_parts(path, parts=2) is None


# --- Ethnic group and deprivation as the file gives them (docs/rules/equity.md §1) -------------
def _group_line(baby_id: str, *, mother: str, ethnic: str = "White", deprivation: str = "3") -> str:
    return f"{baby_id},{mother},R0A,R0A01,2025-06-15,280,3400,live,0,,300,0,30,{ethnic},{deprivation},spontaneous"


def _stored_groups(baby_ids):
    return dict(
        (baby, (ethnic, quintile))
        for baby, ethnic, quintile in BirthRecord.objects.filter(baby_id__in=baby_ids).values_list(
            "baby_id", "ethnic_group", "imd_quintile"
        )
    )


def test_codes_and_ranks_are_stored_as_groups_and_quintiles(tmp_path):
    lines = [
        _group_line("G1", mother="G1", ethnic="A", deprivation="1"),
        _group_line("G2", mother="G2", ethnic="K", deprivation="6752"),
        _group_line("G3", mother="G3", ethnic="99", deprivation="33755"),
        _group_line("G4", mother="G4", ethnic="Black", deprivation=""),
    ]
    header = HEADER.replace("imd_quintile", "imd_rank")
    path = write_text(tmp_path / "births.csv", "\n".join([header, *lines]) + "\n")
    upload = import_dataset(dataset="births", path=path)
    assert upload.status == Upload.Status.LOADED, upload.errors
    assert _stored_groups(["G1", "G2", "G3", "G4"]) == {
        "G1": ("White", 1),
        "G2": ("Asian", 2),
        "G3": (None, 5),
        "G4": ("Black", None),
    }


@pytest.mark.parametrize(
    ("header_column", "ethnic", "deprivation", "column"),
    [
        ("imd_quintile", "Q", "3", "ethnic_group"),
        ("imd_quintile", "White British", "3", "ethnic_group"),
        ("imd_rank", "White", "33756", "imd_rank"),
        ("imd_rank", "White", "4.5", "imd_rank"),
    ],
)
def test_a_refused_group_or_rank_names_its_column_and_nothing_is_stored(
    tmp_path, header_column, ethnic, deprivation, column
):
    before = _table_state()
    header = HEADER.replace("imd_quintile", header_column)
    lines = [_group_line("OK1", mother="OK1", deprivation="5"), _group_line("BAD", mother="BAD", ethnic=ethnic)]
    lines[1] = lines[1].replace(",White,3,", f",{ethnic},{deprivation},")
    path = write_text(tmp_path / "births.csv", "\n".join([header, *lines]) + "\n")
    upload = import_dataset(dataset="births", path=path)
    assert upload.status == Upload.Status.REFUSED
    assert [(e["line"], e["column"]) for e in upload.errors] == [(3, column)]
    assert _table_state() == before


def test_quintiles_said_to_be_least_deprived_first_are_stored_reversed_with_a_note(tmp_path):
    lines = [_group_line(f"R{q or 'X'}", mother=f"R{q or 'X'}", deprivation=q) for q in ("1", "2", "4", "5", "")]
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, lines), quintile_order="least_deprived_first")
    assert upload.status == Upload.Status.LOADED
    stored = _stored_groups(["R1", "R2", "R4", "R5", "RX"])
    assert {baby: quintile for baby, (_, quintile) in stored.items()} == {
        "R1": 5,
        "R2": 4,
        "R4": 2,
        "R5": 1,
        "RX": None,
    }
    [note] = [n for n in upload.notes if n["code"] == p.DQ_QUINTILES_REVERSED]
    assert note["count"] == 4 and "reversed on import" in note["message"] and note["lines"] == []


def test_the_same_file_in_the_usual_order_is_stored_as_given(tmp_path):
    upload = import_dataset(
        dataset="births", path=_births_file(tmp_path, [_group_line("U1", mother="U1", deprivation="1")])
    )
    assert _stored_groups(["U1"]) == {"U1": ("White", 1)}
    assert not [n for n in upload.notes if n["code"] == p.DQ_QUINTILES_REVERSED]


def test_ranks_said_to_be_least_deprived_first_are_refused(tmp_path):
    header = HEADER.replace("imd_quintile", "imd_rank")
    path = write_text(tmp_path / "births.csv", "\n".join([header, _group_line("K1", mother="K1")]) + "\n")
    upload = import_dataset(dataset="births", path=path, quintile_order="least_deprived_first")
    assert upload.status == Upload.Status.REFUSED
    found = [(e["line"], e["column"], e["code"]) for e in upload.errors]
    assert found == [(1, "imd_rank", p.ERR_RANK_IN_REVERSED_ORDER)]


MOTHER_NOTES = (p.DQ_BLOOD_LOSS_DIFFERS, p.DQ_ETHNIC_GROUP_DIFFERS, p.DQ_IMD_QUINTILE_DIFFERS)
DISAGREEING = [
    # (ethnic group, quintile) on each of one mother's rows
    [("White", "3"), ("White", "3")],  # twins who agree: no note
    [("White", "3"), ("C", "3"), ("Asian", "3")],  # C is White; the third row differs
    [("", "3"), ("Mixed", "3")],  # empty is Not stated, a value of its own
    [("Black", "2"), ("Black", "4"), ("Black", "")],
    [("Other", ""), ("Asian", "1"), ("Asian", "1")],  # both columns differ
]


@pytest.mark.parametrize("order", ["most_deprived_first", "least_deprived_first"])
def test_the_notes_on_disagreeing_mothers_made_in_sql_equal_the_validator_s(tmp_path, order):
    lines = [
        _group_line(f"D{m}-{n}", mother=f"DM{m}", ethnic=ethnic, deprivation=quintile)
        for m, rows in enumerate(DISAGREEING)
        for n, (ethnic, quintile) in enumerate(rows)
    ]
    path = _births_file(tmp_path, lines)
    sites = dict(SiteOwnership.objects.values_list("site__code", "trust__code"))
    with open(path, encoding="utf-8", newline="") as handle:
        validation = validate_csv("births", handle, known_trusts={"R0A"}, known_sites=sites, quintile_order=order)
        validation.records()
    expected = sorted((n.code, n.count, n.lines, n.message) for n in validation.notes if n.code in MOTHER_NOTES)
    assert [(code, count, lines) for code, count, lines, _ in expected] == [
        (p.DQ_ETHNIC_GROUP_DIFFERS, 3, (6, 8, 13)),
        (p.DQ_IMD_QUINTILE_DIFFERS, 2, (10, 13)),
    ]
    upload = import_dataset(dataset="births", path=path, quintile_order=order)
    assert upload.status == Upload.Status.LOADED
    found = sorted(
        (n["code"], n["count"], tuple(n["lines"]), n["message"]) for n in upload.notes if n["code"] in MOTHER_NOTES
    )
    assert found == expected


@pytest.mark.postgres
def test_postgresql_finds_the_disagreeing_mothers_in_sql(tmp_path):
    assert connection.vendor == "postgresql"
    lines = [
        _group_line("P1", mother="PM1", ethnic="Z"),
        _group_line("P2", mother="PM1", ethnic="White"),
        _group_line("P3", mother="PM2", deprivation="5"),
        _group_line("P4", mother="PM2", deprivation=""),
        _birth_line("P5", mother="PM3", loss="300"),
        _birth_line("P6", mother="PM3", loss="1600"),
    ]
    upload = import_dataset(dataset="births", path=_births_file(tmp_path, lines))
    found = {n["code"]: (n["count"], n["lines"]) for n in upload.notes if n["code"] in MOTHER_NOTES}
    assert found == {
        p.DQ_ETHNIC_GROUP_DIFFERS: (1, [3]),
        p.DQ_IMD_QUINTILE_DIFFERS: (1, [5]),
        p.DQ_BLOOD_LOSS_DIFFERS: (1, [7]),
    }


@pytest.mark.django_db(False)
def test_a_reversed_file_checked_in_parts_gives_what_one_pass_gives(tmp_path, monkeypatch):
    monkeypatch.setattr(staging, "MIN_SPLIT_BYTES", 1)
    monkeypatch.setattr(staging, "_may_fork", lambda: True)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    records = [birth(f"V{n}", imd_quintile=None if n % 7 == 0 else 1 + n % 5) for n in range(200)]
    path = write_records(tmp_path / "births.csv", "births", records)
    kwargs = {"dataset": "births", "source": path, "register": _snapshot(), "vendor": "sqlite"}
    whole = staging.stage_file(**kwargs, workers=1, quintile_order="least_deprived_first")
    parts = staging.stage_file(**kwargs, workers=3, quintile_order="least_deprived_first")
    try:
        assert len(parts.paths) == 3
        assert [n for n in parts.notes if n.code == p.DQ_QUINTILES_REVERSED] == [
            n for n in whole.notes if n.code == p.DQ_QUINTILES_REVERSED
        ]
        assert [n.count for n in whole.notes if n.code == p.DQ_QUINTILES_REVERSED] == [171]
        assert b"".join(q.read_bytes() for q in parts.paths) == whole.paths[0].read_bytes()
    finally:
        whole.discard()
        parts.discard()
