"""How the register shows ODS names (perinatal.organisations.names), which the demo's synthetic sites share."""

from __future__ import annotations

import pytest

from perinatal.organisations.names import title_case


@pytest.mark.parametrize(
    ("ods_name", "expected"),
    [
        ("MANCHESTER UNIVERSITY NHS FOUNDATION TRUST", "Manchester University NHS Foundation Trust"),
        ("KING'S COLLEGE HOSPITAL NHS FOUNDATION TRUST", "King's College Hospital NHS Foundation Trust"),
        ("GUY'S AND ST THOMAS' NHS FOUNDATION TRUST", "Guy's and St Thomas' NHS Foundation Trust"),
        (
            "THE NEWCASTLE UPON TYNE HOSPITALS NHS FOUNDATION TRUST",
            "The Newcastle upon Tyne Hospitals NHS Foundation Trust",
        ),
        ("ISLE OF WIGHT NHS TRUST", "Isle of Wight NHS Trust"),
        (
            "BARKING, HAVERING AND REDBRIDGE UNIVERSITY HOSPITALS NHS TRUST",
            "Barking, Havering and Redbridge University Hospitals NHS Trust",
        ),
    ],
)
def test_trust_names_are_title_cased(ods_name, expected):
    assert title_case(ods_name) == expected
