"""Routing policies: the decisions taken where the sources leave a gap (docs/rules/routing.md §3, "policy").

Spec: "keep each policy in one named, versioned place so that it can be changed without
touching the rest". Each policy below is one constant with an ID, a version, the decision in
plain English and where it comes from. The rule code reads `in_force` from here and nowhere
else, so switching a policy off (or replacing it with a new version) changes only this file.

Policies marked "local decision" are not in the spec: they settle a case the spec does not
mention and need an ADR.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP",
    "MNSI_MATERNAL_DEATH_NO_CAUSE_FILTER",
    "MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET",
    "NHSR_ROUTES_WHILE_MRI_AWAITED",
    "POLICIES",
    "UNKNOWN_ANOMALY_CAUSE_MEETS_MNSI_GATE",
    "UNRECORDED_BRAIN_INJURY_SIGN_IS_ABSENT",
    "UNRECORDED_MRI_IS_AWAITED",
    "Policy",
]


@dataclass(frozen=True)
class Policy:
    id: str
    version: str
    decision: str
    source: str
    in_force: bool = True


CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP = Policy(
    id="POLICY-CDOP-DIRECT",
    version="2025-10",
    decision=(
        "A live-born baby below 20+0 weeks who dies, or a baby who dies at 28 days or later, "
        "is not notified to MBRRACE-UK; the reporter is told that child deaths are notified "
        "to the local child death overview panel (CDOP) directly, and, when no body receives "
        "the event, that no notification through this service is needed."
    ),
    source="docs/rules/routing.md §3.1 policy",
)

MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET = Policy(
    id="POLICY-MNSI-ONSET-UNKNOWN",
    version="2025-10",
    decision=(
        "A stillbirth after labour where it is not known whether the baby was alive when "
        "labour started goes to MNSI for triage, flagged labour_onset_unknown."
    ),
    source="docs/rules/routing.md §3.3 policy (MNSI-B1)",
)

MNSI_MATERNAL_DEATH_NO_CAUSE_FILTER = Policy(
    id="POLICY-MNSI-MATERNAL-ANY-CAUSE",
    version="2025-10",
    decision=(
        "Every maternal death during pregnancy or within 42 days of its end goes to MNSI, "
        "whatever the cause; MNSI triages. (The document records no cause, so there is "
        "nothing to filter on; this policy is stated so that the reason can say so.)"
    ),
    source="docs/rules/routing.md §3.3 policy (MNSI-M)",
)

NHSR_ROUTES_WHILE_MRI_AWAITED = Policy(
    id="POLICY-NHSR-MRI-AWAITED",
    version="2025-10",
    decision=(
        "An MRI that is pending or not done does not hold back an Early Notification: it is "
        "sent flagged mri_awaited and NHS Resolution triages the MRI. A later amendment "
        "recording a normal MRI withdraws the notification (NHSR-2)."
    ),
    source="docs/rules/routing.md §3.4 policy",
)

UNRECORDED_MRI_IS_AWAITED = Policy(
    id="POLICY-MRI-UNRECORDED",
    version="2025-10",
    decision="An MRI result left blank is treated like 'pending': routed, flagged mri_awaited.",
    source="local decision (docs/rules/routing.md §3.4 names pending and not_done only)",
)

UNRECORDED_BRAIN_INJURY_SIGN_IS_ABSENT = Policy(
    id="POLICY-SIGN-UNRECORDED",
    version="2025-10",
    decision=(
        "A brain injury sign left blank is not known to be present and counts as absent: "
        "only signs recorded as present can meet MNSI-B3 or NHSR-1."
    ),
    source="local decision (docs/rules/routing.md §2 allows unknown values; the rules need present signs)",
)

UNKNOWN_ANOMALY_CAUSE_MEETS_MNSI_GATE = Policy(
    id="POLICY-ANOMALY-UNKNOWN",
    version="2025-10",
    decision=(
        "The MNSI gate's 'outcome not caused by a congenital anomaly' is met unless the "
        "document says the anomaly caused it; when not known, MNSI triages."
    ),
    source="local decision (docs/rules/routing.md §3.3 MNSI-B0; consistent with POLICY-MNSI-ONSET-UNKNOWN)",
)

POLICIES: tuple[Policy, ...] = (
    CHILD_DEATH_OUTSIDE_MBRRACE_GOES_TO_LOCAL_CDOP,
    MNSI_TRIAGES_UNKNOWN_ALIVE_AT_ONSET,
    MNSI_MATERNAL_DEATH_NO_CAUSE_FILTER,
    NHSR_ROUTES_WHILE_MRI_AWAITED,
    UNRECORDED_MRI_IS_AWAITED,
    UNRECORDED_BRAIN_INJURY_SIGN_IS_ABSENT,
    UNKNOWN_ANOMALY_CAUSE_MEETS_MNSI_GATE,
)
