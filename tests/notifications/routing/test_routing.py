"""Routing rules of docs/rules/routing.md §3 and the result of docs/rules/routing.md §4, at every boundary."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

import pytest

from perinatal.notifications.routing import (
    ADVICE_AMEND_WHEN_MRI_REPORTED,
    ADVICE_NO_NOTIFICATION_NEEDED,
    ADVICE_NOTIFY_LOCAL_CDOP,
    ADVICE_PREGNANCY_END_DATE_NEEDED,
    BODY_ORDER,
    RULES,
    RULES_BY_ID,
    RULES_VERSION,
    Body,
    RoutingResult,
    policy,
    route,
)
from perinatal.notifications.routing import rules as r

from .builders import HOSPITAL_A, HOSPITAL_B, baby_event, maternal_event, parse, routed, signs, summary

MBR = "MBRRACE_UK"
MNSI = "MNSI"
NHSR = "NHSR_EN"


def not_routed(result: RoutingResult) -> dict[str, tuple[str, ...]]:
    return {str(n.body): n.rules for n in result.not_routed}


def stillbirth(weeks: int, days: int = 0, **kwargs: Any) -> RoutingResult:
    return routed(baby_event(gestation=(weeks, days), born_alive=False, **kwargs))


def neonatal_death(weeks: int, days: int = 0, *, died_at: str = "2025-10-04T10:00", **kwargs: Any) -> RoutingResult:
    return routed(baby_event(gestation=(weeks, days), born_at="2025-10-01T10:00", died_at=died_at, **kwargs))


def cooled(**kwargs: Any) -> dict[str, Any]:
    defaults: dict[str, Any] = {"gestation": (40, 1), "brain_injury": signs(therapeutic_hypothermia=True)}
    defaults.update(kwargs)
    return baby_event(**defaults)


# The rule table ----------------------------------------------------------------------------------


def test_rules_version() -> None:
    assert RULES_VERSION == "2025-10"
    assert route(parse(baby_event())).rules_version == "2025-10"


def test_every_spec_rule_is_findable_by_id_in_spec_order() -> None:
    assert [rule.id for rule in RULES] == [
        "MBR-1",
        "MBR-2",
        "MBR-3",
        "MBR-4",
        "MBR-5",
        "CDOP-1",
        "MBR-M",
        "MNSI-B0",
        "MNSI-B1",
        "MNSI-B2",
        "MNSI-B3",
        "MNSI-M",
        "NHSR-1",
        "NHSR-2",
    ]
    assert RULES_BY_ID["MBR-3"] is r.MBR_3
    assert r.GA_37_0 == 259 and r.GA_24_0 == 168 and r.GA_22_0 == 154 and r.GA_20_0 == 140


def test_every_policy_is_versioned_and_sourced() -> None:
    assert policy.POLICIES
    for item in policy.POLICIES:
        assert item.version == "2025-10" and item.source and item.decision and item.in_force
    assert len({item.id for item in policy.POLICIES}) == len(policy.POLICIES)


# MBRRACE-UK: gestation boundaries --------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "days", "category", "rules"),
    [
        (19, 6, None, ("MBR-1",)),
        (21, 6, None, ("MBR-1",)),
        (22, 0, "late_fetal_loss", ("MBR-1",)),
        (23, 6, "late_fetal_loss", ("MBR-1",)),
        (24, 0, "stillbirth", ("MBR-2",)),
        (36, 6, "stillbirth", ("MBR-2",)),
        (42, 0, "stillbirth", ("MBR-2",)),
    ],
)
def test_not_born_alive_by_gestation(weeks: int, days: int, category: str | None, rules: tuple[str, ...]) -> None:
    result = stillbirth(weeks, days, labour="no_labour", alive_at_onset_of_labour=False)
    destination = result.destination(Body.MBRRACE_UK)
    if category is None:
        assert destination is None
        assert not_routed(result)[MBR] == rules
        assert f"{weeks}+{days} weeks, before 22+0 weeks" in result.not_routed_for(Body.MBRRACE_UK).reason
        assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED,)
    else:
        assert (destination.category, destination.rules) == (category, rules)
        assert f"{weeks}+{days} weeks" in destination.reason
    assert result.onward == ()  # stillbirths and late fetal losses never go to CDOP


@pytest.mark.parametrize(
    ("weeks", "days", "routed_to_mbrrace"),
    [(19, 6, False), (20, 0, True), (23, 6, True), (24, 0, True), (36, 6, True)],
)
def test_neonatal_death_by_gestation(weeks: int, days: int, routed_to_mbrrace: bool) -> None:
    result = neonatal_death(weeks, days)
    if routed_to_mbrrace:
        assert summary(result)[MBR] == "neonatal_death"
        assert result.destination(Body.MBRRACE_UK).rules == ("MBR-3",)
        assert [o.to_dict() for o in result.onward] == [{"body": "CDOP", "via": "MBRRACE_UK", "rules": ["CDOP-1"]}]
        assert ADVICE_NOTIFY_LOCAL_CDOP not in result.advice
    else:
        assert MBR not in summary(result)
        assert not_routed(result)[MBR] == ("MBR-3",)
        assert "19+6 weeks, before 20+0 weeks" in result.not_routed_for(Body.MBRRACE_UK).reason
        assert result.onward == ()
        assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED, ADVICE_NOTIFY_LOCAL_CDOP)


# MBRRACE-UK: age boundaries -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("born_at", "died_at", "age", "neonatal"),
    [
        ("2025-06-01T10:00", "2025-06-29T09:59", 27, True),
        ("2025-06-01T10:00", "2025-06-29T10:00", 28, False),
        # Across the October clock change (born 00:30 BST = 23:30 UTC on 19 October).
        ("2025-10-20T00:30", "2025-11-16T23:29", 27, True),
        ("2025-10-20T00:30", "2025-11-16T23:30", 28, False),
        # Across the March clock change (born 12:00 GMT, day 28 starts at 13:00 BST).
        ("2025-03-10T12:00", "2025-04-07T12:59", 27, True),
        ("2025-03-10T12:00", "2025-04-07T13:00", 28, False),
    ],
)
def test_neonatal_death_age_27_and_28_days(born_at: str, died_at: str, age: int, neonatal: bool) -> None:
    result = routed(baby_event(gestation=(30, 0), born_at=born_at, died_at=died_at))
    if neonatal:
        destination = result.destination(Body.MBRRACE_UK)
        assert destination.category == "neonatal_death"
        assert destination.reason == (
            f"A baby born alive at 30+0 weeks died at {age} days old, within the first 28 days of life (0 to 27 days)."
        )
        assert result.onward
    else:
        assert result.destinations == ()
        assert "died at 28 days old, after the first 28 days of life" in result.not_routed_for(Body.MBRRACE_UK).reason
        assert result.onward == ()
        assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED, ADVICE_NOTIFY_LOCAL_CDOP)


def test_a_late_death_after_a_brain_injury_still_goes_to_mnsi_and_nhsr() -> None:
    # Rule sets are independent (docs/rules/routing.md §3.5): the 28-day policy is about MBRRACE-UK surveillance.
    result = routed(cooled(born_at="2025-06-01T10:00", died_at="2025-07-01T10:00"))
    assert summary(result) == {MNSI: "severe_brain_injury", NHSR: "severe_brain_injury"}
    assert not_routed(result) == {MBR: ("MBR-3",)}
    assert result.advice == (ADVICE_NOTIFY_LOCAL_CDOP,)


def test_a_living_baby_is_not_for_mbrrace() -> None:
    result = routed(baby_event())
    assert not_routed(result) == {MBR: ("MBR-3",), MNSI: ("MNSI-B3",), NHSR: ("NHSR-1",)}
    assert result.not_routed_for(Body.MBRRACE_UK).reason.startswith("The baby is alive.")
    assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED,)


# The weight rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(("weight", "routed_to_mbrrace"), [(399, False), (400, True), (100, False), (7000, True)])
@pytest.mark.parametrize(("gestation", "reliable"), [(None, None), ((30, 0), False), ((30, 0), None), ((21, 0), False)])
def test_weight_rule_for_a_baby_not_born_alive(
    weight: int, routed_to_mbrrace: bool, gestation: tuple[int, int] | None, reliable: bool | None
) -> None:
    result = routed(baby_event(gestation=gestation, reliable=reliable, born_alive=False, birth_weight_g=weight))
    if routed_to_mbrrace:
        destination = result.destination(Body.MBRRACE_UK)
        assert (destination.category, destination.rules) == ("stillbirth", ("MBR-2",))
        assert f"weighed {weight} g" in destination.reason
        assert "weight rule" in destination.reason
    else:
        assert not_routed(result)[MBR] == ("MBR-2",)
        assert f"weighed {weight} g" in result.not_routed_for(Body.MBRRACE_UK).reason
    # An unknown gestation never meets MNSI's gate.
    assert not_routed(result)[MNSI] == ("MNSI-B0",)


@pytest.mark.parametrize(("weight", "routed_to_mbrrace"), [(399, False), (400, True)])
@pytest.mark.parametrize(("gestation", "reliable"), [(None, None), ((19, 0), False), ((38, 0), False)])
def test_weight_rule_for_a_neonatal_death(
    weight: int, routed_to_mbrrace: bool, gestation: tuple[int, int] | None, reliable: bool | None
) -> None:
    result = routed(
        baby_event(gestation=gestation, reliable=reliable, birth_weight_g=weight, died_at="2025-10-03T10:00")
    )
    if routed_to_mbrrace:
        destination = result.destination(Body.MBRRACE_UK)
        assert destination.category == "neonatal_death"
        assert destination.reason.startswith(f"A baby born alive weighing {weight} g died at 2 days old")
        assert result.onward
    else:
        assert not_routed(result)[MBR] == ("MBR-3",)
        assert ADVICE_NOTIFY_LOCAL_CDOP in result.advice


@pytest.mark.parametrize(
    ("gestation", "reliable", "words"),
    [
        (None, None, "The gestation is not known."),
        ((39, 0), False, "The gestation (39+0 weeks) is not recorded as reliable."),
    ],
)
def test_unknown_gestation_never_meets_the_mnsi_or_nhsr_gates(
    gestation: tuple[int, int] | None, reliable: bool | None, words: str
) -> None:
    result = routed(cooled(gestation=gestation, reliable=reliable))
    assert result.destinations == ()
    assert not_routed(result) == {MBR: ("MBR-3",), MNSI: ("MNSI-B0",), NHSR: ("NHSR-1",)}
    assert result.not_routed_for(Body.MNSI).reason.startswith(words)
    assert result.not_routed_for(Body.NHSR_EN).reason.startswith(words)


# Multiples (MBR-4) ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("multiple", "confirmed", "category", "rules"),
    [
        (True, (19, 6), None, ("MBR-4",)),  # 139 days
        (True, (20, 0), "stillbirth", ("MBR-2",)),  # 140 days
        (True, None, "stillbirth", ("MBR-2",)),
        (False, (19, 6), "stillbirth", ("MBR-2",)),  # MBR-4 is for multiples only
        (None, (19, 6), "stillbirth", ("MBR-2",)),
    ],
)
def test_multiple_with_early_death_in_the_womb(
    multiple: bool | None, confirmed: tuple[int, int] | None, category: str | None, rules: tuple[str, ...]
) -> None:
    result = stillbirth(
        30,
        0,
        multiple_birth=multiple,
        death_confirmed_gestation=None if confirmed is None else {"weeks": confirmed[0], "days": confirmed[1]},
        labour="no_labour",
    )
    if category is None:
        assert not_routed(result)[MBR] == rules
        assert "death confirmed at 19+6 weeks" in result.not_routed_for(Body.MBRRACE_UK).reason
    else:
        destination = result.destination(Body.MBRRACE_UK)
        assert (destination.category, destination.rules) == (category, rules)


def test_mbr_4_excludes_a_late_fetal_loss_too() -> None:
    result = stillbirth(23, 0, multiple_birth=True, death_confirmed_gestation={"weeks": 19, "days": 6})
    assert not_routed(result)[MBR] == ("MBR-4",)


def test_mbr_4_names_the_gestation_when_too_early_anyway() -> None:
    result = stillbirth(21, 0, multiple_birth=True, death_confirmed_gestation={"weeks": 19, "days": 6})
    assert not_routed(result)[MBR] == ("MBR-1",)


def test_mbr_4_with_the_weight_rule() -> None:
    result = routed(
        baby_event(
            gestation=None,
            born_alive=False,
            birth_weight_g=900,
            multiple_birth=True,
            death_confirmed_gestation={"weeks": 18, "days": 0},
        )
    )
    assert not_routed(result)[MBR] == ("MBR-4",)


def test_mbr_4_does_not_touch_a_live_born_twin() -> None:
    result = routed(
        baby_event(gestation=(30, 0), died_at="2025-10-02T10:00", multiple_birth=True, death_confirmed_gestation=None)
    )
    assert summary(result)[MBR] == "neonatal_death"


# Terminations (MBR-5) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "category", "rules"),
    [
        ("late_fetal_loss", "late_fetal_loss", ("MBR-1", "MBR-5")),
        ("stillbirth", "stillbirth", ("MBR-2", "MBR-5")),
        ("neonatal_death", "neonatal_death", ("MBR-3", "MBR-5")),
    ],
)
def test_terminations_are_notified_and_flagged(kind: str, category: str, rules: tuple[str, ...]) -> None:
    if kind == "late_fetal_loss":
        result = stillbirth(22, 3, termination_of_pregnancy=True, labour="no_labour")
    elif kind == "stillbirth":
        result = stillbirth(26, 0, termination_of_pregnancy=True, labour="no_labour")
    else:
        result = neonatal_death(23, 0, termination_of_pregnancy=True)
    destination = result.destination(Body.MBRRACE_UK)
    assert (destination.category, destination.rules, destination.flags) == (category, rules, ("termination",))
    assert "termination" in destination.reason


@pytest.mark.parametrize("termination", [False, None])
def test_no_termination_flag_otherwise(termination: bool | None) -> None:
    destination = stillbirth(26, 0, termination_of_pregnancy=termination).destination(Body.MBRRACE_UK)
    assert destination.flags == () and destination.rules == ("MBR-2",)


def test_a_termination_below_22_weeks_is_not_notified() -> None:
    result = stillbirth(21, 6, termination_of_pregnancy=True, labour="no_labour")
    assert result.destinations == ()
    assert not_routed(result)[MBR] == ("MBR-1",)


# MNSI (docs/rules/routing.md §3.3) -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("weeks", "days", "to_mnsi"), [(36, 6, False), (37, 0, True), (41, 6, True)])
def test_mnsi_gate_gestation_for_intrapartum_stillbirth(weeks: int, days: int, to_mnsi: bool) -> None:
    result = stillbirth(weeks, days)
    assert summary(result)[MBR] == "stillbirth"
    if to_mnsi:
        destination = result.destination(Body.MNSI)
        assert (destination.category, destination.rules, destination.flags) == (
            "intrapartum_stillbirth",
            ("MNSI-B1",),
            (),
        )
        assert f"{weeks}+{days} weeks" in destination.reason
    else:
        assert not_routed(result)[MNSI] == ("MNSI-B0",)
        assert result.not_routed_for(Body.MNSI).reason.startswith("The baby was born at 36+6 weeks, before 37+0 weeks.")


@pytest.mark.parametrize(("weeks", "days", "to_mnsi"), [(36, 6, False), (37, 0, True)])
def test_mnsi_gate_gestation_for_early_neonatal_death(weeks: int, days: int, to_mnsi: bool) -> None:
    result = neonatal_death(weeks, days)
    assert (MNSI in summary(result)) is to_mnsi


@pytest.mark.parametrize(
    ("alive_at_onset", "category", "flags", "rules"),
    [
        (True, "intrapartum_stillbirth", (), ("MNSI-B1",)),
        (None, "intrapartum_stillbirth", ("labour_onset_unknown",), ("MNSI-B1",)),
        (False, None, (), ("MNSI-B1",)),
    ],
)
def test_alive_at_onset_of_labour(
    alive_at_onset: bool | None, category: str | None, flags: tuple[str, ...], rules: tuple[str, ...]
) -> None:
    result = stillbirth(39, 0, alive_at_onset_of_labour=alive_at_onset)
    if category is None:
        assert not_routed(result)[MNSI] == rules
        assert result.not_routed_for(Body.MNSI).reason.startswith("The baby died before labour started")
    else:
        destination = result.destination(Body.MNSI)
        assert (destination.category, destination.flags, destination.rules) == (category, flags, rules)
        if flags:
            assert "not known whether the baby was alive when labour started" in destination.reason
    assert summary(result)[MBR] == "stillbirth"  # MBRRACE-UK does not depend on it


@pytest.mark.parametrize("labour", ["labour", "no_labour"])
def test_labour_or_no_labour(labour: str) -> None:
    result = stillbirth(39, 0, labour=labour)
    if labour == "labour":
        assert summary(result) == {MBR: "stillbirth", MNSI: "intrapartum_stillbirth"}
    else:
        assert summary(result) == {MBR: "stillbirth"}
        assert "The mother was not in labour" in result.not_routed_for(Body.MNSI).reason


@pytest.mark.parametrize(("anomaly", "to_mnsi"), [(True, False), (False, True), (None, True)])
def test_congenital_anomaly_caused_outcome(anomaly: bool | None, to_mnsi: bool) -> None:
    result = stillbirth(39, 0, congenital_anomaly_caused_outcome=anomaly)
    assert summary(result)[MBR] == "stillbirth"
    assert (MNSI in summary(result)) is to_mnsi
    if not to_mnsi:
        assert result.not_routed_for(Body.MNSI).reason.startswith("A congenital anomaly caused the outcome.")


@pytest.mark.parametrize(
    ("born_at", "died_at", "age", "early"),
    [
        ("2025-06-01T10:00", "2025-06-01T11:00", 0, True),
        ("2025-06-01T10:00", "2025-06-08T09:59", 6, True),
        ("2025-06-01T10:00", "2025-06-08T10:00", 7, False),
        # The October clock change: 23:15 GMT on 1 November is 7 days after 23:30 BST on
        # 25 October (wall-clock subtraction would wrongly say 6).
        ("2025-10-25T23:30", "2025-11-01T22:29", 6, True),
        ("2025-10-25T23:30", "2025-11-01T23:15", 7, False),
        # The March clock change.
        ("2025-03-29T12:00", "2025-04-05T12:59", 6, True),
        ("2025-03-29T12:00", "2025-04-05T13:00", 7, False),
    ],
)
def test_early_neonatal_death_day_6_and_7(born_at: str, died_at: str, age: int, early: bool) -> None:
    result = routed(baby_event(gestation=(39, 0), born_at=born_at, died_at=died_at))
    assert summary(result)[MBR] == "neonatal_death"
    if early:
        destination = result.destination(Body.MNSI)
        assert (destination.category, destination.rules) == ("early_neonatal_death", ("MNSI-B2",))
        age_words = "less than 1 day old" if age == 0 else f"{age} days old"
        assert f"died at {age_words}, in the first 7 days of life" in destination.reason
        assert not_routed(result)[NHSR] == ("NHSR-2",)
    else:
        assert not_routed(result)[MNSI] == ("MNSI-B2", "MNSI-B3")
        assert "died at 7 days old, after the first 7 days" in result.not_routed_for(Body.MNSI).reason
        assert not_routed(result)[NHSR] == ("NHSR-1",)


B3_COMBINATIONS = [
    ({"therapeutic_hypothermia": True}, True),
    ({"grade_3_hie": True}, True),
    ({"decreased_central_tone": True, "comatose": True, "seizures": True}, True),
    ({"decreased_central_tone": True, "comatose": True}, False),
    ({"decreased_central_tone": True, "seizures": True}, False),
    ({"comatose": True, "seizures": True}, False),
    ({"decreased_central_tone": True, "comatose": True, "seizures": None}, False),
    ({"altered_consciousness": True, "hypotonia": True, "abnormal_reflexes": True}, False),
    ({}, False),
]


@pytest.mark.parametrize(("present", "to_mnsi"), B3_COMBINATIONS)
def test_mnsi_b3_sign_combinations(present: dict[str, Any], to_mnsi: bool) -> None:
    result = routed(baby_event(gestation=(40, 1), brain_injury=signs(**present)))
    if to_mnsi:
        destination = result.destination(Body.MNSI)
        assert (destination.category, destination.rules) == ("severe_brain_injury", ("MNSI-B3",))
    else:
        assert not_routed(result)[MNSI] == ("MNSI-B3",)
        assert "do not meet MNSI's criteria" in result.not_routed_for(Body.MNSI).reason


@pytest.mark.parametrize(("day", "in_first_week"), [(0, True), (6, True), (7, False), (None, False)])
def test_brain_injury_diagnosed_day(day: int | None, in_first_week: bool) -> None:
    result = routed(cooled(brain_injury=signs(diagnosed_day=day, therapeutic_hypothermia=True)))
    if in_first_week:
        assert summary(result) == {MNSI: "severe_brain_injury", NHSR: "severe_brain_injury"}
    else:
        assert result.destinations == ()
        assert not_routed(result)[MNSI] == ("MNSI-B3",)
        assert not_routed(result)[NHSR] == ("NHSR-1",)
        words = "first diagnosed at 7 days old" if day == 7 else "first diagnosed is not recorded"
        assert words in result.not_routed_for(Body.MNSI).reason
        assert words in result.not_routed_for(Body.NHSR_EN).reason


def test_cooled_baby_who_dies_in_the_first_week() -> None:
    result = routed(cooled(born_at="2025-06-01T10:00", died_at="2025-06-04T10:00"))
    assert summary(result) == {MBR: "neonatal_death", MNSI: "early_neonatal_death"}
    assert result.destination(Body.MNSI).rules == ("MNSI-B2", "MNSI-B3")
    assert "therapeutic cooling" in result.destination(Body.MNSI).reason
    assert not_routed(result) == {NHSR: ("NHSR-2",)}


# NHS Resolution (docs/rules/routing.md §3.4) -----------------------------------------------------


@pytest.mark.parametrize(("weeks", "days", "to_nhsr"), [(36, 6, False), (37, 0, True)])
def test_nhsr_gestation(weeks: int, days: int, to_nhsr: bool) -> None:
    result = routed(cooled(gestation=(weeks, days)))
    assert (NHSR in summary(result)) is to_nhsr
    assert (MNSI in summary(result)) is to_nhsr


def test_nhsr_needs_labour() -> None:
    result = routed(cooled(labour="no_labour"))
    assert result.destinations == ()
    assert "The mother was not in labour" in result.not_routed_for(Body.NHSR_EN).reason


@pytest.mark.parametrize(
    ("mri", "to_nhsr", "flags"),
    [
        ("hie", True, ()),
        ("normal", False, None),
        ("pending", True, ("mri_awaited",)),
        ("not_done", True, ("mri_awaited",)),
        (None, True, ("mri_awaited",)),
    ],
)
def test_mri_result(mri: str | None, to_nhsr: bool, flags: tuple[str, ...] | None) -> None:
    result = routed(cooled(brain_injury=signs(therapeutic_hypothermia=True, mri=mri)))
    assert summary(result)[MNSI] == "severe_brain_injury"  # MNSI does not depend on the MRI
    if to_nhsr:
        destination = result.destination(Body.NHSR_EN)
        assert (destination.category, destination.rules, destination.flags) == (
            "severe_brain_injury",
            ("NHSR-1",),
            flags,
        )
        assert (ADVICE_AMEND_WHEN_MRI_REPORTED in result.advice) is bool(flags)
    else:
        assert not_routed(result)[NHSR] == ("NHSR-2",)
        assert result.not_routed_for(Body.NHSR_EN).reason.startswith("The MRI scan was reported as normal.")


ALTERED = ["altered_consciousness", "comatose"]
WITH = ["hypotonia", "decreased_central_tone", "abnormal_reflexes", "weak_or_absent_suck", "seizures"]


@pytest.mark.parametrize("altered", ALTERED)
@pytest.mark.parametrize("sign", WITH)
def test_nhsr_moderate_to_severe_encephalopathy(altered: str, sign: str) -> None:
    result = routed(baby_event(gestation=(40, 1), brain_injury=signs(**{altered: True, sign: True})))
    destination = result.destination(Body.NHSR_EN)
    assert (destination.category, destination.rules) == ("severe_brain_injury", ("NHSR-1",))
    assert "moderate to severe encephalopathy" in destination.reason


@pytest.mark.parametrize(
    "present",
    [
        {"altered_consciousness": True},
        {"comatose": True},
        {
            "hypotonia": True,
            "abnormal_reflexes": True,
            "weak_or_absent_suck": True,
            "seizures": True,
            "decreased_central_tone": True,
        },
        {"grade_3_hie": True},
        {"altered_consciousness": None, "hypotonia": True},
        {"altered_consciousness": True, "hypotonia": None},
        {},
    ],
)
def test_nhsr_insufficient_signs(present: dict[str, Any]) -> None:
    result = routed(baby_event(gestation=(40, 1), brain_injury=signs(**present)))
    assert not_routed(result)[NHSR] == ("NHSR-1",)
    assert "The signs recorded are not therapeutic cooling" in result.not_routed_for(Body.NHSR_EN).reason


def test_nhsr_therapeutic_hypothermia_alone() -> None:
    destination = routed(cooled()).destination(Body.NHSR_EN)
    assert destination.reason == (
        "A baby born at 40+1 weeks after labour started had signs of a severe brain injury, first "
        "diagnosed at less than 1 day old: therapeutic cooling."
    )


def test_grade_3_hie_alone_goes_to_mnsi_but_not_nhsr() -> None:
    result = routed(baby_event(gestation=(40, 1), brain_injury=signs(grade_3_hie=True)))
    assert summary(result) == {MNSI: "severe_brain_injury"}


def test_mnsi_triad_also_meets_nhsr_encephalopathy() -> None:
    result = routed(
        baby_event(gestation=(40, 1), brain_injury=signs(decreased_central_tone=True, comatose=True, seizures=True))
    )
    assert summary(result) == {MNSI: "severe_brain_injury", NHSR: "severe_brain_injury"}
    assert "altered consciousness with hypotonia and seizures" in result.destination(Body.NHSR_EN).reason


@pytest.mark.parametrize(("died_at", "excluded"), [("2025-06-08T09:59", True), ("2025-06-08T10:00", False)])
def test_nhsr_2_death_in_the_first_week(died_at: str, excluded: bool) -> None:
    result = routed(cooled(born_at="2025-06-01T10:00", died_at=died_at))
    if excluded:
        assert not_routed(result)[NHSR] == ("NHSR-2",)
        assert result.not_routed_for(Body.NHSR_EN).reason.startswith(
            "The baby died in the first 7 days of life (at 6 days old)."
        )
    else:
        assert summary(result)[NHSR] == "severe_brain_injury"


def test_a_stillbirth_is_not_for_nhsr() -> None:
    result = stillbirth(39, 0)
    assert not_routed(result)[NHSR] == ("NHSR-1",)
    assert result.not_routed_for(Body.NHSR_EN).reason.startswith("The baby was not born alive.")


# Maternal deaths (docs/rules/routing.md §3.2, §3.3) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("died_at", "days", "bodies"),
    [
        ("2025-10-01T09:00", 0, {MBR: "maternal_death", MNSI: "maternal_death"}),
        ("2025-11-12T09:00", 42, {MBR: "maternal_death", MNSI: "maternal_death"}),
        ("2025-11-13T09:00", 43, {MBR: "maternal_death"}),
        ("2026-10-01T09:00", 365, {MBR: "maternal_death"}),
        ("2026-10-02T09:00", 366, {}),
    ],
)
def test_maternal_death_days_after_pregnancy(died_at: str, days: int, bodies: dict[str, str]) -> None:
    data = maternal_event(died_at=died_at, pregnancy_ended_on="2025-10-01")
    result = route(parse(data, now=datetime(2027, 1, 1, tzinfo=UTC)))
    assert summary(result) == bodies
    assert not_routed(result)[NHSR] == ("NHSR-1",)
    if MNSI not in bodies:
        assert not_routed(result)[MNSI] == ("MNSI-M",)
        assert (
            f"{days} days after her pregnancy ended, more than 42 days later" in result.not_routed_for(Body.MNSI).reason
        )
    if MBR not in bodies:
        assert not_routed(result)[MBR] == ("MBR-M",)
        assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED,)
    else:
        assert result.destination(Body.MBRRACE_UK).rules == ("MBR-M",)


def test_maternal_42_days_counts_the_date_in_england() -> None:
    # Ended 1 June; 00:30 BST on 14 July is 23:30 UTC on 13 July. In England it is day 43.
    at_42 = routed(maternal_event(died_at="2025-07-13T23:59", pregnancy_ended_on="2025-06-01"))
    at_43 = routed(maternal_event(died_at="2025-07-14T00:30", pregnancy_ended_on="2025-06-01"))
    assert MNSI in summary(at_42)
    assert MNSI not in summary(at_43)


@pytest.mark.parametrize("outcome", ["birth", "miscarriage", "ectopic", "termination", "unknown", None])
def test_maternal_death_while_pregnant_whatever_the_outcome(outcome: str | None) -> None:
    result = routed(maternal_event(pregnant_at_death=True, pregnancy_ended_on=None, pregnancy_outcome=outcome))
    assert summary(result) == {MBR: "maternal_death", MNSI: "maternal_death"}
    assert result.destination(Body.MBRRACE_UK).reason.startswith("The mother died while pregnant.")
    assert "whatever the cause" in result.destination(Body.MNSI).reason


@pytest.mark.parametrize("pregnant", [False, None])
def test_maternal_death_with_unknown_timing(pregnant: bool | None) -> None:
    result = routed(maternal_event(pregnant_at_death=pregnant, pregnancy_ended_on=None))
    assert result.destinations == ()
    assert not_routed(result) == {MBR: ("MBR-M",), MNSI: ("MNSI-M",), NHSR: ("NHSR-1",)}
    assert "the date her pregnancy ended is not recorded" in result.not_routed_for(Body.MBRRACE_UK).reason
    assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED, ADVICE_PREGNANCY_END_DATE_NEEDED)


# docs/rules/routing.md §5 examples --------------------------------------------------------------------------------


def test_example_stillbirth_at_38_2_in_labour_alive_at_onset() -> None:
    result = routed(baby_event(gestation=(38, 2), born_alive=False, alive_at_onset_of_labour=True))
    assert summary(result) == {MBR: "stillbirth", MNSI: "intrapartum_stillbirth"}
    assert result.onward == ()


def test_example_born_alive_at_30_died_at_3_days() -> None:
    result = routed(baby_event(gestation=(30, 0), born_at="2025-10-01T10:00", died_at="2025-10-04T10:00"))
    assert summary(result) == {MBR: "neonatal_death"}
    assert result.destination(Body.MBRRACE_UK).reason.startswith("A baby born alive at 30+0 weeks died at 3 days old")
    assert [o.to_dict() for o in result.onward] == [{"body": "CDOP", "via": "MBRRACE_UK", "rules": ["CDOP-1"]}]


def test_example_cooled_from_3_hours_alive_at_7_days_mri_hie() -> None:
    result = routed(
        baby_event(gestation=(40, 1), brain_injury=signs(diagnosed_day=0, therapeutic_hypothermia=True, mri="hie"))
    )
    assert summary(result) == {MNSI: "severe_brain_injury", NHSR: "severe_brain_injury"}
    assert result.destination(Body.NHSR_EN).flags == ()


def test_example_elective_caesarean_at_39_cooled() -> None:
    result = routed(baby_event(gestation=(39, 0), labour="no_labour", brain_injury=signs(therapeutic_hypothermia=True)))
    assert result.destinations == ()
    assert result.advice == (ADVICE_NO_NOTIFICATION_NEEDED,)
    assert not_routed(result) == {MBR: ("MBR-3",), MNSI: ("MNSI-B0",), NHSR: ("NHSR-1",)}


def test_example_mother_died_43_days_after_birth() -> None:
    result = routed(maternal_event(died_at="2025-11-13T09:00", pregnancy_ended_on="2025-10-01"))
    assert summary(result) == {MBR: "maternal_death"}


# The result JSON (docs/rules/routing.md §4) --------------------------------------------------------


def test_result_json_matches_spec_section_4() -> None:
    result = routed(baby_event(gestation=(38, 2), born_at="2025-10-01T03:20", died_at="2025-10-03T10:00"))
    assert result.to_dict() == {
        "destinations": [
            {
                "body": "MBRRACE_UK",
                "category": "neonatal_death",
                "rules": ["MBR-3"],
                "reason": (
                    "A baby born alive at 38+2 weeks died at 2 days old, "
                    "within the first 28 days of life (0 to 27 days)."
                ),
                "flags": [],
            },
            {
                "body": "MNSI",
                "category": "early_neonatal_death",
                "rules": ["MNSI-B2"],
                "reason": (
                    "A baby born at 38+2 weeks after labour started died at 2 days old, "
                    "in the first 7 days of life (0 to 6 days)."
                ),
                "flags": [],
            },
        ],
        "onward": [{"body": "CDOP", "via": "MBRRACE_UK", "rules": ["CDOP-1"]}],
        "not_routed": [
            {
                "body": "NHSR_EN",
                "rules": ["NHSR-2"],
                "reason": (
                    "The baby died in the first 7 days of life (at 2 days old). "
                    "NHS Resolution's Early Notification scheme excludes these babies."
                ),
            }
        ],
        "advice": [],
        "rules_version": "2025-10",
    }


def test_all_three_bodies_in_order_with_flags() -> None:
    result = routed(
        cooled(
            brain_injury=signs(therapeutic_hypothermia=True, mri="pending"),
            born_at="2025-06-01T10:00",
            died_at="2025-06-20T10:00",
            termination_of_pregnancy=None,
        )
    )
    assert result.bodies == (Body.MBRRACE_UK, Body.MNSI, Body.NHSR_EN) == BODY_ORDER
    assert result.not_routed == ()
    as_json = result.to_dict()
    assert [d["flags"] for d in as_json["destinations"]] == [[], [], ["mri_awaited"]]
    assert as_json["advice"] == [ADVICE_AMEND_WHEN_MRI_REPORTED.to_dict()]


def test_every_body_is_either_a_destination_or_not_routed() -> None:
    cases = [
        baby_event(),
        baby_event(born_alive=False, gestation=(39, 0)),
        cooled(),
        cooled(died_at="2025-10-02T10:00"),
        maternal_event(),
        maternal_event(pregnancy_ended_on=None),
    ]
    for data in cases:
        result = routed(data)
        bodies = [d.body for d in result.destinations] + [n.body for n in result.not_routed]
        assert sorted(bodies, key=BODY_ORDER.index) == list(BODY_ORDER)
        assert [d.body for d in result.destinations] == sorted(result.bodies, key=BODY_ORDER.index)
        for item in result.not_routed:
            assert item.rules and all(rule in RULES_BY_ID for rule in item.rules) and item.reason


# A baby born at one trust who dies at another ----------------------------------------------------


def test_born_at_one_trust_died_at_another_reported_by_the_trust_of_death() -> None:
    data = baby_event(
        trust="RBB",
        gestation=(39, 0),
        place_of_birth=HOSPITAL_A,
        place_of_death=HOSPITAL_B,
        born_at="2025-10-01T10:00",
        died_at="2025-10-05T10:00",
    )
    document = parse(data)
    assert document.trust == "RBB"
    assert document.place_of_birth.site == "R0A01"
    result = route(document)
    assert summary(result) == {MBR: "neonatal_death", MNSI: "early_neonatal_death"}


# Policies can be switched in one place ---------------------------------------------------------------


def test_switching_off_the_unknown_onset_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        policy,
        "MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET",
        dataclasses.replace(policy.MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET, in_force=False),
    )
    result = stillbirth(39, 0, alive_at_onset_of_labour=None)
    assert not_routed(result)[MNSI] == ("MNSI-B1",)


def test_switching_off_the_mri_awaited_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        policy,
        "NHSR_ROUTES_WHILE_MRI_AWAITED",
        dataclasses.replace(policy.NHSR_ROUTES_WHILE_MRI_AWAITED, in_force=False),
    )
    result = routed(cooled(brain_injury=signs(therapeutic_hypothermia=True, mri="pending")))
    assert not_routed(result)[NHSR] == ("NHSR-2",)
    assert result.not_routed_for(Body.NHSR_EN).reason.startswith("The MRI result is awaited.")
    assert routed(cooled()).destination(Body.NHSR_EN) is not None


def test_switching_off_the_cdop_advice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        policy,
        "CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP",
        dataclasses.replace(policy.CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP, in_force=False),
    )
    assert neonatal_death(19, 6).advice == (ADVICE_NO_NOTIFICATION_NEEDED,)


def test_hand_built_documents_must_be_complete() -> None:
    document = parse(baby_event())
    with pytest.raises(ValueError, match="parse_document"):
        route(dataclasses.replace(document, baby=None))


def test_places_do_not_affect_routing() -> None:
    a = routed(baby_event(born_alive=False, gestation=(39, 0), place_of_birth=HOSPITAL_A))
    b = routed(baby_event(born_alive=False, gestation=(39, 0), place_of_birth=None, place_of_death=None, trust="RCC"))
    assert a == b


def test_fired_rules_lists_gates_and_exclusions_in_spec_order() -> None:
    document = parse(cooled(born_at="2025-06-01T10:00", died_at="2025-06-04T10:00", termination_of_pregnancy=True))
    assert [rule.id for rule in r.fired_rules(document)] == [
        "MBR-3",
        "MBR-5",
        "CDOP-1",
        "MNSI-B0",
        "MNSI-B2",
        "MNSI-B3",
        "NHSR-1",
        "NHSR-2",
    ]
    assert [rule.id for rule in r.fired_rules(parse(maternal_event()))] == ["MBR-M", "MNSI-M"]


def test_nhsr_exclusion_reason_says_the_rule_once_when_both_exclusions_apply():
    from perinatal.notifications.routing import engine

    class Injury:
        mri = engine.MriResult.NORMAL

    class Doc:
        brain_injury = Injury()

    import unittest.mock as mock

    with (
        mock.patch.object(engine.r, "nhsr_2_died_in_first_week", return_value=True),
        mock.patch.object(engine.r, "nhsr_2_mri_excludes", return_value=True),
        mock.patch.object(engine, "age_at_death_days", return_value=3),
    ):
        reason = engine._nhsr_exclusion_reason(Doc(), baby=None)
    assert reason.count("excludes these babies") == 1
    assert "died in the first 7 days" in reason and "reported as normal" in reason
