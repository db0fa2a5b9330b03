"""route(document) -> RoutingResult: which bodies receive an event, and why (docs/rules/routing.md §3, §4).

Each body is decided on its own (docs/rules/routing.md §3.5). For a body that receives the event the reason says
what qualified it; for one that does not, `not_routed` names the unmet gate or the excluding
rule and says why in plain English, naming the gestation ("38+2 weeks") and age
("2 days old") where they matter. Wording stays factual and never judges care.
"""

from __future__ import annotations

from perinatal.notifications.routing import policy
from perinatal.notifications.routing import rules as r
from perinatal.notifications.routing.ages import (
    age_at_death_days,
    days_after_pregnancy_end,
    format_age,
    format_gestation,
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
from perinatal.notifications.routing.result import (
    Advice,
    Body,
    Destination,
    Flag,
    NotRouted,
    OnwardRoute,
    RoutingResult,
)

__all__ = [
    "ADVICE_AMEND_WHEN_MRI_REPORTED",
    "ADVICE_NO_NOTIFICATION_NEEDED",
    "ADVICE_NOTIFY_LOCAL_CDOP",
    "ADVICE_PREGNANCY_END_DATE_NEEDED",
    "route",
]

ADVICE_NO_NOTIFICATION_NEEDED = Advice(
    code="no_notification_needed",
    text="No notification through this service is needed for this event.",
)
ADVICE_NOTIFY_LOCAL_CDOP = Advice(
    code="notify_local_cdop",
    text=(
        "This service does not pass this child death on. Child deaths are notified to the "
        "local child death overview panel (CDOP) directly."
    ),
)
ADVICE_PREGNANCY_END_DATE_NEEDED = Advice(
    code="pregnancy_end_date_needed",
    text=(
        "Record whether the mother was pregnant when she died or the date her pregnancy "
        "ended, so that the service can tell which bodies need this notification."
    ),
)
ADVICE_AMEND_WHEN_MRI_REPORTED = Advice(
    code="amend_when_mri_reported",
    text=(
        "Update this notification when the MRI is reported. If the MRI is normal, the "
        "notification to NHS Resolution is withdrawn."
    ),
)

Outcome = Destination | NotRouted


def route(document: NotificationDocument) -> RoutingResult:
    """Route one validated notification document."""
    outcomes = (_mbrrace_uk(document), _mnsi(document), _nhs_resolution(document))
    destinations = tuple(o for o in outcomes if isinstance(o, Destination))
    onward = (
        (OnwardRoute(body=Body.CDOP, via=Body.MBRRACE_UK, rules=(r.CDOP_1.id,)),)
        if r.cdop_1_passed_on_to_cdop(document)
        else ()
    )
    return RoutingResult(
        destinations=destinations,
        onward=onward,
        not_routed=tuple(o for o in outcomes if isinstance(o, NotRouted)),
        advice=_advice(document, destinations),
        rules_version=r.RULES_VERSION,
    )


def _fired(document: NotificationDocument, candidates: tuple[r.Rule, ...]) -> tuple[r.Rule, ...]:
    """The candidate rules that fire, in spec order."""
    return tuple(rule for rule in candidates if r.PREDICATES[rule](document))


def _destination(fired: tuple[r.Rule, ...], reasons: list[str], flags: list[Flag]) -> Destination:
    """Category from the first fired rule that has one (docs/rules/routing.md §4); every fired rule listed."""
    first = next(rule for rule in fired if rule.category is not None)
    assert first.category is not None
    return Destination(
        body=first.body,
        category=first.category,
        rules=tuple(rule.id for rule in fired),
        reason=" ".join(reasons),
        flags=tuple(flags),
    )


def _has_category(fired: tuple[r.Rule, ...]) -> bool:
    return any(rule.category is not None for rule in fired)


def _baby_required(document: NotificationDocument) -> Baby:
    baby = r.baby_of(document)
    if baby is None:
        raise ValueError("a baby event needs the baby's details: build documents with parse_document")
    return baby


def _death_required(document: NotificationDocument) -> MaternalDeath:
    death = r.maternal_death_of(document)
    if death is None:
        raise ValueError("a maternal event needs mother.death: build documents with parse_document")
    return death


# Wording helpers ------------------------------------------------------------------------------


def _unknown_gestation(baby: Baby) -> str:
    """Why the gestation counts as unknown, as the start of a sentence."""
    if baby.gestation is None:
        return "The gestation is not known"
    return f"The gestation ({format_gestation(baby.gestation.total_days)}) is not recorded as reliable"


def _weight(baby: Baby) -> str:
    return f"{baby.birth_weight_g} g" if baby.birth_weight_g is not None else "an unrecorded weight"


def _days_after_end(days: int) -> str:
    if days == 0:
        return "on the day her pregnancy ended"
    return f"{days} day{'s' if days != 1 else ''} after her pregnancy ended"


def _gate_problems(document: NotificationDocument, baby: Baby, *, check_anomaly: bool) -> list[str]:
    """Sentences for each unmet part of 'known gestation >= 37+0, in labour (, no anomaly)'."""
    problems = []
    gestation = known_gestation_days(baby)
    if gestation is None:
        problems.append(f"{_unknown_gestation(baby)}.")
    elif gestation < r.GA_37_0:
        problems.append(f"The baby was born at {format_gestation(gestation)}, before 37+0 weeks.")
    if not document.in_labour:
        problems.append("The mother was not in labour (for example, a caesarean birth before labour started).")
    if check_anomaly and r.anomaly_caused_outcome(baby):
        problems.append("A congenital anomaly caused the outcome.")
    return problems


def _brain_injury_timing_problem(injury: BrainInjury | None, *, what: str) -> str | None:
    if injury is None:
        return f"No signs of {what} in the first 7 days of life were recorded."
    if injury.diagnosed_day is None:
        return "The age at which the brain injury was first diagnosed is not recorded."
    if injury.diagnosed_day > r.BRAIN_INJURY_LAST_DIAGNOSIS_DAY:
        return (
            f"The brain injury was first diagnosed at {format_age(injury.diagnosed_day)}, "
            "after the first 7 days of life."
        )
    return None


# MBRRACE-UK (docs/rules/routing.md §3.1, §3.2) ----------------------------------------------------------------------


def _mbrrace_uk(document: NotificationDocument) -> Outcome:
    if document.event is EventType.MATERNAL:
        return _mbrrace_maternal(document)
    baby = _baby_required(document)
    fired = _fired(document, (r.MBR_1, r.MBR_2, r.MBR_3, r.MBR_5))
    if not _has_category(fired):
        return _mbrrace_not_routed(document, baby)
    reasons = [_mbrrace_reason(baby)]
    flags = []
    if r.MBR_5 in fired:
        flags.append(Flag.TERMINATION)
        reasons.append(
            "The pregnancy was ended by a termination: MBRRACE-UK is still notified, and leaves "
            "terminations out of its death rates."
        )
    return _destination(fired, reasons, flags)


def _mbrrace_reason(baby: Baby) -> str:
    gestation = known_gestation_days(baby)
    if not baby.born_alive:
        if gestation is None:
            return (
                f"The baby was not born alive and weighed {_weight(baby)}. {_unknown_gestation(baby)}, "
                "so the weight rule applies: 400 g or more is a stillbirth."
            )
        if gestation <= r.GA_LATE_FETAL_LOSS_LAST:
            return (
                f"The baby was not born alive at {format_gestation(gestation)}, between 22+0 and "
                "23+6 weeks: a late fetal loss."
            )
        return f"The baby was not born alive at {format_gestation(gestation)}, at 24+0 weeks or later: a stillbirth."
    age = format_age(age_at_death_days(baby) or 0)
    if gestation is None:
        return (
            f"A baby born alive weighing {_weight(baby)} died at {age}, within the first 28 days of "
            f"life (0 to 27 days). {_unknown_gestation(baby)}, so the weight rule applies (400 g or more)."
        )
    return (
        f"A baby born alive at {format_gestation(gestation)} died at {age}, within the first 28 days "
        "of life (0 to 27 days)."
    )


def _mbrrace_not_routed(document: NotificationDocument, baby: Baby) -> NotRouted:
    gestation = known_gestation_days(baby)
    body = Body.MBRRACE_UK
    if not baby.born_alive:
        if r.mbr_4_multiple_died_in_womb_before_20_weeks(document) and (
            r.meets_mbr_1_criteria(baby) or r.meets_mbr_2_criteria(baby)
        ):
            confirmed = baby.death_confirmed_gestation
            assert confirmed is not None
            return NotRouted(
                body=body,
                rules=(r.MBR_4.id,),
                reason=(
                    "The baby was one of a multiple birth and died in the womb before 20+0 weeks "
                    f"(death confirmed at {format_gestation(confirmed.total_days)}). MBRRACE-UK "
                    "excludes these babies from late fetal losses and stillbirths."
                ),
            )
        if gestation is not None:
            return NotRouted(
                body=body,
                rules=(r.MBR_1.id,),
                reason=(
                    f"The baby was not born alive at {format_gestation(gestation)}, before 22+0 weeks. "
                    "MBRRACE-UK is notified of losses from 22+0 weeks."
                ),
            )
        return NotRouted(
            body=body,
            rules=(r.MBR_2.id,),
            reason=(
                f"The baby was not born alive and weighed {_weight(baby)}. {_unknown_gestation(baby)}, "
                "so the weight rule applies: MBRRACE-UK is notified only of babies of 400 g or more."
            ),
        )
    age = age_at_death_days(baby)
    if age is None:
        return NotRouted(
            body=body,
            rules=(r.MBR_3.id,),
            reason=(
                "The baby is alive. MBRRACE-UK is notified of late fetal losses, stillbirths and "
                "deaths in the first 28 days of life."
            ),
        )
    problems = []
    if gestation is not None and gestation < r.GA_20_0:
        problems.append(f"The baby was born alive at {format_gestation(gestation)}, before 20+0 weeks.")
    if gestation is None and not r.weight_rule_met(baby):
        problems.append(
            f"The baby was born alive weighing {_weight(baby)}. {_unknown_gestation(baby)}, so the "
            "weight rule applies: 400 g or more."
        )
    if age > r.NEONATAL_LAST_DAY:
        problems.append(f"The baby died at {format_age(age)}, after the first 28 days of life (0 to 27 days).")
    problems.append("MBRRACE-UK is notified of deaths in the first 28 days of life from 20+0 weeks.")
    return NotRouted(body=body, rules=(r.MBR_3.id,), reason=" ".join(problems))


def _maternal_timing(death: MaternalDeath, *, within: bool, window: str) -> str:
    """When the mother died, against `window`; `within` is the rule's own decision."""
    if death.pregnant_at_death is True:
        return "The mother died while pregnant."
    days = days_after_pregnancy_end(death)
    if days is None:
        was = (
            "was not pregnant when she died"
            if death.pregnant_at_death is False
            else "may not have been pregnant when she died"
        )
        return (
            f"The mother {was} and the date her pregnancy ended is not recorded, so it is not "
            f"known whether she died within {window} of the end of her pregnancy."
        )
    if within:
        return f"The mother died {_days_after_end(days)}, within {window}."
    return f"The mother died {_days_after_end(days)}, more than {window} later."


def _mbrrace_maternal(document: NotificationDocument) -> Outcome:
    death = _death_required(document)
    within = r.mbr_m_maternal_death(document)
    timing = _maternal_timing(death, within=within, window="1 year (365 days)")
    if within:
        return _destination(
            (r.MBR_M,), [timing, "MBRRACE-UK's maternal enquiry covers every such death, whatever the cause."], []
        )
    return NotRouted(
        body=Body.MBRRACE_UK,
        rules=(r.MBR_M.id,),
        reason=f"{timing} MBRRACE-UK's maternal enquiry covers deaths during pregnancy or up to 1 year after it ends.",
    )


# MNSI (docs/rules/routing.md §3.3) ------------------------------------------------------------------------------------


def _mnsi(document: NotificationDocument) -> Outcome:
    if document.event is EventType.MATERNAL:
        return _mnsi_maternal(document)
    baby = _baby_required(document)
    if not r.mnsi_b0_gate(document):
        problems = _gate_problems(document, baby, check_anomaly=True)
        return NotRouted(
            body=Body.MNSI,
            rules=(r.MNSI_B0.id,),
            reason=" ".join(problems) + " MNSI's criteria need a known gestation of 37+0 weeks or more, labour, and an "
            "outcome not caused by a congenital anomaly.",
        )
    fired = _fired(document, (r.MNSI_B1, r.MNSI_B2, r.MNSI_B3))
    if not fired:
        return _mnsi_not_routed(document, baby)
    reasons, flags = _mnsi_reasons(document, baby, fired)
    return _destination(fired, reasons, flags)


def _mnsi_reasons(
    document: NotificationDocument, baby: Baby, fired: tuple[r.Rule, ...]
) -> tuple[list[str], list[Flag]]:
    gestation = format_gestation(known_gestation_days(baby) or 0)
    reasons: list[str] = []
    flags: list[Flag] = []
    if r.MNSI_B1 in fired:
        if baby.alive_at_onset_of_labour is None:
            flags.append(Flag.LABOUR_ONSET_UNKNOWN)
            reasons.append(
                f"The baby was not born alive at {gestation}, after labour started. It is not known "
                "whether the baby was alive when labour started, so MNSI will triage it."
            )
        else:
            reasons.append(
                f"The baby was not born alive at {gestation}, after labour started, and was alive "
                "when labour started: an intrapartum stillbirth."
            )
    if r.MNSI_B2 in fired:
        reasons.append(
            f"A baby born at {gestation} after labour started died at "
            f"{format_age(age_at_death_days(baby) or 0)}, in the first 7 days of life (0 to 6 days)."
        )
    injury = document.brain_injury
    if r.MNSI_B3 in fired and injury is not None:
        reasons.append(
            f"A baby born at {gestation} after labour started had signs of a potential severe brain "
            f"injury, first diagnosed at {format_age(injury.diagnosed_day or 0)}: "
            f"{', '.join(r.mnsi_b3_signs(injury))}."
        )
    return reasons, flags


def _mnsi_not_routed(document: NotificationDocument, baby: Baby) -> NotRouted:
    if not baby.born_alive:
        return NotRouted(
            body=Body.MNSI,
            rules=(r.MNSI_B1.id,),
            reason=(
                "The baby died before labour started, so this is not an intrapartum stillbirth. MNSI "
                "investigates stillbirths where the baby was alive when labour started."
                if baby.alive_at_onset_of_labour is False
                else "It is not known whether the baby was alive when labour started."
            ),
        )
    rules: list[str] = []
    problems: list[str] = []
    age = age_at_death_days(baby)
    if age is not None:
        rules.append(r.MNSI_B2.id)
        problems.append(f"The baby died at {format_age(age)}, after the first 7 days of life (0 to 6 days).")
    rules.append(r.MNSI_B3.id)
    injury = document.brain_injury
    timing = _brain_injury_timing_problem(injury, what="a potential severe brain injury")
    problems.append(
        timing
        or "The signs recorded do not meet MNSI's criteria for a potential severe brain injury: "
        "therapeutic cooling, grade 3 HIE, or decreased central tone with coma and seizures."
    )
    return NotRouted(body=Body.MNSI, rules=tuple(rules), reason=" ".join(problems))


def _mnsi_maternal(document: NotificationDocument) -> Outcome:
    death = _death_required(document)
    within = r.mnsi_m_maternal_death(document)
    timing = _maternal_timing(death, within=within, window="42 days")
    if within:
        reasons = [timing]
        if policy.MNSI_MATERNAL_DEATH_NO_CAUSE_FILTER.in_force:
            reasons.append(
                "MNSI looks at every maternal death in pregnancy or within 42 days of its end, "
                "whatever the cause, and triages it."
            )
        return _destination((r.MNSI_M,), reasons, [])
    return NotRouted(
        body=Body.MNSI,
        rules=(r.MNSI_M.id,),
        reason=f"{timing} MNSI looks at maternal deaths during pregnancy or within 42 days of its end.",
    )


# NHS Resolution Early Notification (docs/rules/routing.md §3.4) ------------------------------------------------------


def _mri_words(mri: MriResult | None) -> str:
    if mri is MriResult.PENDING:
        return "pending"
    if mri is MriResult.NOT_DONE:
        return "not done"
    return "not recorded"


def _nhs_resolution(document: NotificationDocument) -> Outcome:
    body = Body.NHSR_EN
    if document.event is EventType.MATERNAL:
        return NotRouted(
            body=body,
            rules=(r.NHSR_1.id,),
            reason=(
                "NHS Resolution's Early Notification scheme is for babies with signs of a severe "
                "brain injury, not for maternal deaths."
            ),
        )
    baby = _baby_required(document)
    injury = document.brain_injury
    if r.nhsr_2_excluded(document):
        return NotRouted(body=body, rules=(r.NHSR_2.id,), reason=_nhsr_exclusion_reason(document, baby))
    fired = _fired(document, (r.NHSR_1,))
    if fired and injury is not None:
        reasons = [
            f"A baby born at {format_gestation(known_gestation_days(baby) or 0)} after labour started "
            f"had signs of a severe brain injury, first diagnosed at {format_age(injury.diagnosed_day or 0)}: "
            f"{', '.join(r.nhsr_1_signs(injury))}."
        ]
        flags = []
        if r.mri_awaited(injury):
            flags.append(Flag.MRI_AWAITED)
            reasons.append(
                f"The MRI result is not known yet ({_mri_words(injury.mri)}); NHS Resolution triages the MRI."
            )
        return _destination(fired, reasons, flags)
    return NotRouted(body=body, rules=(r.NHSR_1.id,), reason=_nhsr_1_unmet_reason(document, baby))


def _nhsr_exclusion_reason(document: NotificationDocument, baby: Baby) -> str:
    facts, after = [], []
    if r.nhsr_2_died_in_first_week(document):
        facts.append(f"The baby died in the first 7 days of life (at {format_age(age_at_death_days(baby) or 0)}).")
    if r.nhsr_2_mri_excludes(document):
        injury = document.brain_injury
        if injury is not None and injury.mri is MriResult.NORMAL:
            facts.append("The MRI scan was reported as normal.")
        else:
            after.append("The MRI result is awaited. Notify NHS Resolution once the MRI is reported.")
    # One closing sentence, however many exclusions apply.
    closing = ["NHS Resolution's Early Notification scheme excludes these babies."] if facts else []
    return " ".join(facts + closing + after)


def _nhsr_1_unmet_reason(document: NotificationDocument, baby: Baby) -> str:
    if not baby.born_alive:
        return (
            "The baby was not born alive. NHS Resolution's Early Notification scheme is for babies "
            "born alive with signs of a severe brain injury."
        )
    problems = _gate_problems(document, baby, check_anomaly=False)
    injury = document.brain_injury
    timing = _brain_injury_timing_problem(injury, what="a severe brain injury")
    if timing is not None:
        problems.append(timing)
    elif injury is not None and not r.nhsr_1_signs(injury):
        problems.append(
            "The signs recorded are not therapeutic cooling or moderate to severe encephalopathy "
            "(altered consciousness with at least one of hypotonia, abnormal reflexes, weak or "
            "absent suck, or seizures)."
        )
    problems.append(
        "The Early Notification scheme needs a known gestation of 37+0 weeks or more, labour, and "
        "therapeutic cooling or moderate to severe encephalopathy diagnosed in the first 7 days of life."
    )
    return " ".join(problems)


# Advice ------------------------------------------------------------------------------------------


def _advice(document: NotificationDocument, destinations: tuple[Destination, ...]) -> tuple[Advice, ...]:
    advice = []
    if not destinations:
        advice.append(ADVICE_NO_NOTIFICATION_NEEDED)
    baby = r.baby_of(document)
    if (
        baby is not None
        and age_at_death_days(baby) is not None
        and not r.mbr_3_neonatal_death(document)
        and policy.CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP.in_force
    ):
        advice.append(ADVICE_NOTIFY_LOCAL_CDOP)
    death = r.maternal_death_of(document)
    if death is not None and death.pregnant_at_death is not True and death.pregnancy_ended_on is None:
        advice.append(ADVICE_PREGNANCY_END_DATE_NEEDED)
    if any(Flag.MRI_AWAITED in destination.flags for destination in destinations):
        advice.append(ADVICE_AMEND_WHEN_MRI_REPORTED)
    return tuple(advice)
