"""The routing rules of docs/rules/routing.md §3, each findable by its ID.

Every rule is a `Rule` constant named after its ID (`MBR_1` is "MBR-1") and a predicate
named after the ID and what it decides (`mbr_1_late_fetal_loss(document) -> bool`). The
predicates say only whether a rule fires; `engine.route` turns them into destinations and
the reasons the reporter reads. Thresholds are named constants in spec units (docs/rules/routing.md §1: gestation
in days, ages in completed days).

Gestation is "known" only when recorded and reliable (`ages.known_gestation_days`); an
unknown gestation never meets a gestation threshold. MBRRACE-UK then uses the weight rule;
the MNSI and NHS Resolution gates are simply not met (docs/rules/routing.md §3.1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from perinatal.kernel import clinical
from perinatal.notifications.routing import policy
from perinatal.notifications.routing.ages import (
    age_at_death_days,
    days_after_pregnancy_end,
    known_gestation_days,
)
from perinatal.notifications.routing.document import (
    Baby,
    BrainInjury,
    EventType,
    MaternalDeath,
    MriResult,
    NotificationDocument,
)
from perinatal.notifications.routing.result import Body, Category

__all__ = [
    "CDOP_1",
    "EARLY_NEONATAL_LAST_DAY",
    "GA_20_0",
    "GA_22_0",
    "GA_24_0",
    "GA_37_0",
    "GA_LATE_FETAL_LOSS_LAST",
    "BRAIN_INJURY_LAST_DIAGNOSIS_DAY",
    "MATERNAL_ENQUIRY_LAST_DAY",
    "MBR_1",
    "MBR_2",
    "MBR_3",
    "MBR_4",
    "MBR_5",
    "MBR_M",
    "MNSI_B0",
    "MNSI_B1",
    "MNSI_B2",
    "MNSI_B3",
    "MNSI_M",
    "MNSI_MATERNAL_LAST_DAY",
    "NEONATAL_LAST_DAY",
    "NHSR_1",
    "NHSR_2",
    "RULES",
    "RULES_BY_ID",
    "RULES_VERSION",
    "WEIGHT_RULE_MIN_G",
    "Rule",
]

RULES_VERSION = "2025-10"

# Gestation thresholds in days and ages in completed days (docs/rules/routing.md §1), from the kernel's one
# list of clinical thresholds, under the names the rules below read.
GA_20_0 = clinical.GA_20_0_DAYS
GA_22_0 = clinical.GA_22_0_DAYS
GA_24_0 = clinical.GA_24_0_DAYS
GA_37_0 = clinical.GA_37_0_DAYS
GA_LATE_FETAL_LOSS_LAST = GA_24_0 - 1  # 23+6
WEIGHT_RULE_MIN_G = clinical.WEIGHT_RULE_MIN_G
EARLY_NEONATAL_LAST_DAY = clinical.EARLY_NEONATAL_LAST_DAY
NEONATAL_LAST_DAY = clinical.NEONATAL_LAST_DAY
BRAIN_INJURY_LAST_DIAGNOSIS_DAY = 6
# Days after the end of pregnancy (docs/rules/routing.md §3.2, §3.3).
MATERNAL_ENQUIRY_LAST_DAY = 365
MNSI_MATERNAL_LAST_DAY = 42


@dataclass(frozen=True)
class Rule:
    id: str
    body: Body
    title: str
    category: Category | None
    section: str
    text: str


MBR_1 = Rule(
    "MBR-1", Body.MBRRACE_UK, "late fetal loss", Category.LATE_FETAL_LOSS, "3.1", "Not born alive and 154 <= GA <= 167."
)
MBR_2 = Rule(
    "MBR-2",
    Body.MBRRACE_UK,
    "stillbirth",
    Category.STILLBIRTH,
    "3.1",
    "Not born alive and GA >= 168 (or the weight rule).",
)
MBR_3 = Rule(
    "MBR-3",
    Body.MBRRACE_UK,
    "neonatal death",
    Category.NEONATAL_DEATH,
    "3.1",
    "Born alive, died at age <= 27 days, and GA >= 140 (or the weight rule).",
)
MBR_4 = Rule(
    "MBR-4",
    Body.MBRRACE_UK,
    "exclusion: early death in the womb of a multiple",
    None,
    "3.1",
    "Multiple birth and death_confirmed_gestation < 140 days: excluded from MBR-1/2.",
)
MBR_5 = Rule(
    "MBR-5",
    Body.MBRRACE_UK,
    "termination of pregnancy",
    None,
    "3.1",
    "Terminations are still notified when MBR-1/2/3 apply, flagged termination.",
)
CDOP_1 = Rule(
    "CDOP-1",
    Body.CDOP,
    "onward to the child death overview panel",
    None,
    "3.1",
    "A neonatal death notified under MBR-3 is passed on by MBRRACE-UK (Cascade) to CDOP.",
)
MBR_M = Rule(
    "MBR-M",
    Body.MBRRACE_UK,
    "maternal death",
    Category.MATERNAL_DEATH,
    "3.2",
    "The mother died while pregnant or <= 365 days after the end of pregnancy.",
)
MNSI_B0 = Rule(
    "MNSI-B0",
    Body.MNSI,
    "gate",
    None,
    "3.3",
    "Known gestation with GA >= 259; in labour; outcome not caused by a congenital anomaly.",
)
MNSI_B1 = Rule(
    "MNSI-B1",
    Body.MNSI,
    "intrapartum stillbirth",
    Category.INTRAPARTUM_STILLBIRTH,
    "3.3",
    "B0, not born alive, alive at onset of labour true or unknown.",
)
MNSI_B2 = Rule(
    "MNSI-B2",
    Body.MNSI,
    "early neonatal death",
    Category.EARLY_NEONATAL_DEATH,
    "3.3",
    "B0, born alive, died at age <= 6 days.",
)
MNSI_B3 = Rule(
    "MNSI-B3",
    Body.MNSI,
    "potential severe brain injury",
    Category.SEVERE_BRAIN_INJURY,
    "3.3",
    "B0, diagnosed_day <= 6, and therapeutic hypothermia, grade 3 HIE, or decreased "
    "central tone and comatose and seizures.",
)
MNSI_M = Rule(
    "MNSI-M",
    Body.MNSI,
    "maternal death",
    Category.MATERNAL_DEATH,
    "3.3",
    "The mother died while pregnant or <= 42 days after the end of pregnancy.",
)
NHSR_1 = Rule(
    "NHSR-1",
    Body.NHSR_EN,
    "severe brain injury",
    Category.SEVERE_BRAIN_INJURY,
    "3.4",
    "Known GA >= 259; in labour; diagnosed_day <= 6; therapeutic hypothermia or moderate-to-severe encephalopathy.",
)
NHSR_2 = Rule("NHSR-2", Body.NHSR_EN, "exclusions", None, "3.4", "The baby died at age <= 6 days; MRI reported normal.")

# Spec order: categories come from the first rule that fired, and `rules` lists in this order.
RULES: tuple[Rule, ...] = (
    MBR_1,
    MBR_2,
    MBR_3,
    MBR_4,
    MBR_5,
    CDOP_1,
    MBR_M,
    MNSI_B0,
    MNSI_B1,
    MNSI_B2,
    MNSI_B3,
    MNSI_M,
    NHSR_1,
    NHSR_2,
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


# Shared facts --------------------------------------------------------------------------------


def baby_of(document: NotificationDocument) -> Baby | None:
    return document.baby if document.event is EventType.BABY else None


def maternal_death_of(document: NotificationDocument) -> MaternalDeath | None:
    return document.maternal_death if document.event is EventType.MATERNAL else None


def weight_rule_met(baby: Baby) -> bool:
    """docs/rules/routing.md §3.1: with an unknown gestation, a birth weight of 400 g or more qualifies."""
    return (
        known_gestation_days(baby) is None
        and baby.birth_weight_g is not None
        and baby.birth_weight_g >= WEIGHT_RULE_MIN_G
    )


def sign_present(injury: BrainInjury, name: str) -> bool:
    value = getattr(injury, name)
    if value is None:
        return not policy.UNRECORDED_BRAIN_INJURY_SIGN_IS_ABSENT.in_force
    return value


def mnsi_b3_signs(injury: BrainInjury) -> list[str]:
    """The MNSI-B3 sign groups present, in words ("therapeutic cooling", ...)."""
    found = []
    if sign_present(injury, "therapeutic_hypothermia"):
        found.append("therapeutic cooling")
    if sign_present(injury, "grade_3_hie"):
        found.append("grade 3 HIE")
    if all(sign_present(injury, name) for name in ("decreased_central_tone", "comatose", "seizures")):
        found.append("decreased central tone with coma and seizures")
    return found


_NHSR_ENCEPHALOPATHY_SIGNS = (
    ("hypotonia", ("hypotonia", "decreased_central_tone")),
    ("abnormal reflexes", ("abnormal_reflexes",)),
    ("weak or absent suck", ("weak_or_absent_suck",)),
    ("seizures", ("seizures",)),
)


def nhsr_1_signs(injury: BrainInjury) -> list[str]:
    """The NHSR-1 sign groups present: therapeutic cooling, and moderate-to-severe
    encephalopathy = altered consciousness (altered_consciousness or comatose) with at least
    one of hypotonia (hypotonia or decreased_central_tone), abnormal reflexes, weak or absent
    suck, seizures."""
    found = []
    if sign_present(injury, "therapeutic_hypothermia"):
        found.append("therapeutic cooling")
    altered = sign_present(injury, "altered_consciousness") or sign_present(injury, "comatose")
    with_signs = [
        words for words, fields in _NHSR_ENCEPHALOPATHY_SIGNS if any(sign_present(injury, name) for name in fields)
    ]
    if altered and with_signs:
        found.append("moderate to severe encephalopathy (altered consciousness with " + _and_list(with_signs) + ")")
    return found


def _and_list(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def diagnosed_in_first_week(injury: BrainInjury | None) -> bool:
    return (
        injury is not None
        and injury.diagnosed_day is not None
        and injury.diagnosed_day <= BRAIN_INJURY_LAST_DIAGNOSIS_DAY
    )


def term_after_labour(document: NotificationDocument) -> bool:
    """A known gestation of 37+0 or more, and labour: shared by MNSI-B0 and NHSR-1."""
    baby = baby_of(document)
    if baby is None:
        return False
    gestation = known_gestation_days(baby)
    return gestation is not None and gestation >= GA_37_0 and document.in_labour


# MBRRACE-UK perinatal (docs/rules/routing.md §3.1) -----------------------------------------------------------------


def meets_mbr_1_criteria(baby: Baby) -> bool:
    gestation = known_gestation_days(baby)
    return not baby.born_alive and gestation is not None and GA_22_0 <= gestation <= GA_LATE_FETAL_LOSS_LAST


def meets_mbr_2_criteria(baby: Baby) -> bool:
    gestation = known_gestation_days(baby)
    if baby.born_alive:
        return False
    return gestation >= GA_24_0 if gestation is not None else weight_rule_met(baby)


def mbr_4_multiple_died_in_womb_before_20_weeks(document: NotificationDocument) -> bool:
    """MBR-4 exclusion: a baby of a multiple birth whose death in the womb was confirmed
    before 20+0 weeks is excluded from MBR-1/2 (only babies not born alive are affected)."""
    baby = baby_of(document)
    return (
        baby is not None
        and not baby.born_alive
        and baby.multiple_birth is True
        and baby.death_confirmed_gestation is not None
        and baby.death_confirmed_gestation.total_days < GA_20_0
    )


def mbr_1_late_fetal_loss(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    return baby is not None and meets_mbr_1_criteria(baby) and not mbr_4_multiple_died_in_womb_before_20_weeks(document)


def mbr_2_stillbirth(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    return baby is not None and meets_mbr_2_criteria(baby) and not mbr_4_multiple_died_in_womb_before_20_weeks(document)


def mbr_3_neonatal_death(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    if baby is None:
        return False
    age = age_at_death_days(baby)
    if age is None or age > NEONATAL_LAST_DAY:
        return False
    gestation = known_gestation_days(baby)
    return gestation >= GA_20_0 if gestation is not None else weight_rule_met(baby)


def mbr_5_termination(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    return (
        baby is not None
        and baby.termination_of_pregnancy is True
        and (mbr_1_late_fetal_loss(document) or mbr_2_stillbirth(document) or mbr_3_neonatal_death(document))
    )


def cdop_1_passed_on_to_cdop(document: NotificationDocument) -> bool:
    """Only neonatal deaths under MBR-3 go on to CDOP; stillbirths and late fetal losses never."""
    return mbr_3_neonatal_death(document)


# Maternal deaths (docs/rules/routing.md §3.2, §3.3) ----------------------------------------------------------------


def _died_within(death: MaternalDeath, last_day: int) -> bool:
    if death.pregnant_at_death is True:
        return True
    days = days_after_pregnancy_end(death)
    return days is not None and 0 <= days <= last_day


def mbr_m_maternal_death(document: NotificationDocument) -> bool:
    death = maternal_death_of(document)
    return death is not None and _died_within(death, MATERNAL_ENQUIRY_LAST_DAY)


def mnsi_m_maternal_death(document: NotificationDocument) -> bool:
    death = maternal_death_of(document)
    return death is not None and _died_within(death, MNSI_MATERNAL_LAST_DAY)


# MNSI (docs/rules/routing.md §3.3) ---------------------------------------------------------------------------------


def anomaly_caused_outcome(baby: Baby) -> bool:
    if baby.congenital_anomaly_caused_outcome is None:
        return not policy.UNKNOWN_ANOMALY_CAUSE_MEETS_MNSI_GATE.in_force
    return baby.congenital_anomaly_caused_outcome


def mnsi_b0_gate(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    return baby is not None and term_after_labour(document) and not anomaly_caused_outcome(baby)


def mnsi_b1_intrapartum_stillbirth(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    if baby is None or baby.born_alive or not mnsi_b0_gate(document):
        return False
    if baby.alive_at_onset_of_labour is None:
        return policy.MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET.in_force
    return baby.alive_at_onset_of_labour


def mnsi_b2_early_neonatal_death(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    if baby is None or not mnsi_b0_gate(document):
        return False
    age = age_at_death_days(baby)
    return age is not None and age <= EARLY_NEONATAL_LAST_DAY


def mnsi_b3_potential_severe_brain_injury(document: NotificationDocument) -> bool:
    injury = document.brain_injury
    return (
        mnsi_b0_gate(document)
        and injury is not None
        and diagnosed_in_first_week(injury)
        and bool(mnsi_b3_signs(injury))
    )


# NHS Resolution Early Notification (docs/rules/routing.md §3.4) ----------------------------------------------------


def nhsr_1_severe_brain_injury(document: NotificationDocument) -> bool:
    injury = document.brain_injury
    baby = baby_of(document)
    return (
        baby is not None
        and baby.born_alive
        and term_after_labour(document)
        and injury is not None
        and diagnosed_in_first_week(injury)
        and bool(nhsr_1_signs(injury))
    )


def nhsr_2_died_in_first_week(document: NotificationDocument) -> bool:
    baby = baby_of(document)
    if baby is None:
        return False
    age = age_at_death_days(baby)
    return age is not None and age <= EARLY_NEONATAL_LAST_DAY


def mri_awaited(injury: BrainInjury | None) -> bool:
    if injury is None:
        return False
    if injury.mri is None:
        return policy.UNRECORDED_MRI_IS_AWAITED.in_force
    return injury.mri in (MriResult.PENDING, MriResult.NOT_DONE)


def nhsr_2_mri_excludes(document: NotificationDocument) -> bool:
    """A normal MRI excludes; so does an awaited MRI if the MRI-awaited policy is withdrawn."""
    injury = document.brain_injury
    if injury is None:
        return False
    if injury.mri is MriResult.NORMAL:
        return True
    return mri_awaited(injury) and not policy.NHSR_ROUTES_WHILE_MRI_AWAITED.in_force


def nhsr_2_excluded(document: NotificationDocument) -> bool:
    return nhsr_2_died_in_first_week(document) or nhsr_2_mri_excludes(document)


# Each rule's predicate, by rule; the engine walks RULES in spec order with this table.
PREDICATES: dict[Rule, Callable[[NotificationDocument], bool]] = {
    MBR_1: mbr_1_late_fetal_loss,
    MBR_2: mbr_2_stillbirth,
    MBR_3: mbr_3_neonatal_death,
    MBR_4: mbr_4_multiple_died_in_womb_before_20_weeks,
    MBR_5: mbr_5_termination,
    CDOP_1: cdop_1_passed_on_to_cdop,
    MBR_M: mbr_m_maternal_death,
    MNSI_B0: mnsi_b0_gate,
    MNSI_B1: mnsi_b1_intrapartum_stillbirth,
    MNSI_B2: mnsi_b2_early_neonatal_death,
    MNSI_B3: mnsi_b3_potential_severe_brain_injury,
    MNSI_M: mnsi_m_maternal_death,
    NHSR_1: nhsr_1_severe_brain_injury,
    NHSR_2: nhsr_2_excluded,
}


def fired_rules(document: NotificationDocument) -> tuple[Rule, ...]:
    """Every rule whose predicate holds, in spec order (gates and exclusions included)."""
    return tuple(rule for rule in RULES if PREDICATES[rule](document))
