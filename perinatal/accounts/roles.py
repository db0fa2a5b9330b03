"""Roles a membership can carry, and which kind of organisation each is held at.

Framework-free so that rules about roles can be tested and read on their own.
"""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    REPORTER = "reporter"
    LOCAL_AUTHORISER = "local_authoriser"
    TRUST_VIEWER = "trust_viewer"
    PERINATAL_LEADERSHIP = "perinatal_leadership"
    EXECUTIVE_LEAD = "executive_lead"
    ICB_VIEWER = "icb_viewer"
    REGIONAL_VIEWER = "regional_viewer"
    NATIONAL_REVIEWER = "national_reviewer"
    IMPROVEMENT_SUPPORT = "improvement_support"
    PROGRAMME_ADMIN = "programme_admin"
    SYSTEM_ADMIN = "system_admin"

    @property
    def label(self) -> str:
        return LABELS[self]

    @property
    def organisation_kind(self) -> str:
        return ORGANISATION_KIND[self]


LABELS = {
    Role.REPORTER: "Reporter",
    Role.LOCAL_AUTHORISER: "Local authoriser (Head or Director of Midwifery)",
    Role.TRUST_VIEWER: "Trust viewer (board and executives)",
    Role.PERINATAL_LEADERSHIP: "Perinatal leadership (records the equity programme)",
    Role.EXECUTIVE_LEAD: "Executive lead for maternity and neonatal safety (approves the board report)",
    Role.ICB_VIEWER: "ICB viewer",
    Role.REGIONAL_VIEWER: "Regional viewer",
    Role.NATIONAL_REVIEWER: "National reviewer",
    Role.IMPROVEMENT_SUPPORT: "Improvement Support Team",
    Role.PROGRAMME_ADMIN: "National programme admin",
    Role.SYSTEM_ADMIN: "System admin",
}

# The kind of organisation each role is held at (see organisations.models.Organisation.Kind).
ORGANISATION_KIND = {
    Role.REPORTER: "trust",
    Role.LOCAL_AUTHORISER: "trust",
    Role.TRUST_VIEWER: "trust",
    Role.PERINATAL_LEADERSHIP: "trust",
    Role.EXECUTIVE_LEAD: "trust",
    Role.ICB_VIEWER: "icb",
    Role.REGIONAL_VIEWER: "region",
    Role.NATIONAL_REVIEWER: "body",
    Role.IMPROVEMENT_SUPPORT: "england",
    Role.PROGRAMME_ADMIN: "england",
    Role.SYSTEM_ADMIN: "england",
}

TRUST_ROLES = frozenset(role for role, kind in ORGANISATION_KIND.items() if kind == "trust")
# Roles a person may ask a trust's local authoriser for, or be nominated for. Perinatal
# leadership is how the Head or Director of Midwifery authorises others (the quad, the
# programme's operational lead) to record the trust's equity programme (docs/rules/equity.md §3).
# The executive lead is the board executive who approves the trust's monthly board report
# (docs/rules/board_report.md §2).
REQUESTABLE_ROLES = (
    Role.REPORTER,
    Role.TRUST_VIEWER,
    Role.PERINATAL_LEADERSHIP,
    Role.EXECUTIVE_LEAD,
    Role.LOCAL_AUTHORISER,
)
# Roles whose holders read every trust's record-level data.
NATIONAL_ROLES = frozenset({Role.IMPROVEMENT_SUPPORT, Role.PROGRAMME_ADMIN, Role.SYSTEM_ADMIN})

CHOICES = [(role.value, role.label) for role in Role]


def role_from_text(text: str) -> Role | None:
    """Accept a role's value or its label, case-insensitively (for uploaded lists)."""
    wanted = (text or "").strip().lower().replace("-", " ").replace("_", " ")
    for role in Role:
        if wanted in {role.value.replace("_", " "), role.label.lower()}:
            return role
    aliases = {
        "head of midwifery": Role.LOCAL_AUTHORISER,
        "director of midwifery": Role.LOCAL_AUTHORISER,
        "authoriser": Role.LOCAL_AUTHORISER,
        "viewer": Role.TRUST_VIEWER,
        "board": Role.TRUST_VIEWER,
        "perinatal leadership": Role.PERINATAL_LEADERSHIP,
        "perinatal leader": Role.PERINATAL_LEADERSHIP,
        "executive lead": Role.EXECUTIVE_LEAD,
    }
    return aliases.get(wanted)
