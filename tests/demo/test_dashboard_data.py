"""`perinatal generate-demo-data` and the demo load of `perinatal setup --demo`
(perinatal.demo.generator, perinatal.demo.dashboard_data)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import call_command

from perinatal.dashboard.models import BirthRecord, DemoLoad
from perinatal.demo import dashboard_data as demo_load
from perinatal.demo import generator
from tests.dashboard.import_helpers import DATASET_ORDER


def test_generate_demo_data_writes_the_six_files_byte_identical(tmp_path, db):
    for folder in ("a", "b"):
        call_command(
            "generate_demo_data",
            argv=["--years", "1", "--end", "2025-02-28", "--trusts", "RJ1", "--out", str(tmp_path / folder)],
            stdout=io.StringIO(),
        )
    for name in DATASET_ORDER:
        assert (tmp_path / "a" / f"{name}.csv").read_bytes() == (tmp_path / "b" / f"{name}.csv").read_bytes()


@pytest.mark.django_db
def test_a_second_demo_load_neither_generates_nor_imports(monkeypatch):
    assert DemoLoad.objects.exists()  # the session's `setup.load_demo(small=True)`
    monkeypatch.setattr(generator, "generate", lambda **kw: pytest.fail("generated again"))
    out = io.StringIO()
    summary = demo_load.load_demo_data(small=True, stdout=out)
    assert summary.loaded is False and "already loaded" in out.getvalue()


@pytest.mark.django_db
def test_new_demo_arguments_replace_the_earlier_demo_rows(monkeypatch):
    monkeypatch.setattr(demo_load, "SMALL_TRUSTS", ("RJ1",))
    earlier = set(BirthRecord.objects.filter(upload__source="demo").values_list("trust__code", flat=True))
    assert "R0A" in earlier
    summary = demo_load.load_demo_data(small=True, today=date(2025, 3, 15))
    assert summary.loaded and summary.arguments["end"] == "2025-02-28"
    assert set(BirthRecord.objects.values_list("trust__code", flat=True)) == {"RJ1"}
    assert DemoLoad.objects.get().arguments["trusts"] == ["RJ1"]
    assert not demo_load.load_demo_data(small=True, today=date(2025, 3, 20)).loaded
