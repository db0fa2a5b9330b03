"""Which email addresses are refused as work email addresses (docs/rules/accounts.md §6).

**policy**: an account is for NHS work, so it is reached at a work address: NHSmail
(``@nhs.net``) or the trust's own domain (usually ``@<trust>.nhs.uk``). Addresses at the
common personal email providers are refused. The platform does not insist on an NHS domain,
because some trusts and hosted services use other domains, and their local authoriser decides
who gets access; a personal mailbox, though, is outside the trust's control (and its leaver
process), so a set-up or password reset link must never go there.

Framework-free: the rule is read and tested on its own.
"""

from __future__ import annotations

__all__ = ["PERSONAL_EMAIL_PROVIDERS", "is_personal_email", "personal_email_message"]

#: Personal email providers, by the part of the domain that names them. A provider's country
#: domains count too: "yahoo" covers yahoo.com, yahoo.co.uk, ymail (listed) and so on.
PERSONAL_EMAIL_PROVIDERS = frozenset(
    {
        "aol",
        "btinternet",
        "btopenworld",
        "fastmail",
        "gmail",
        "gmx",
        "googlemail",
        "hotmail",
        "icloud",
        "live",
        "mac",
        "me",
        "msn",
        "outlook",
        "protonmail",
        "proton",
        "rocketmail",
        "sky",
        "talktalk",
        "tiscali",
        "virginmedia",
        "yahoo",
        "yandex",
        "ymail",
        "zoho",
    }
)

# Public suffixes under which a provider's name is its own domain ("gmail.com", "yahoo.co.uk",
# "hotmail.fr", "proton.me"). "me" and "mac" are personal only as Apple's me.com and mac.com.
_GENERIC_SUFFIXES = ("com", "net", "org", "co.uk", "org.uk", "uk", "fr", "de", "es", "it", "ie", "me", "ch")
_ONLY_DOT_COM = frozenset({"me", "mac"})


def _provider(domain: str) -> str | None:
    for suffix in sorted(_GENERIC_SUFFIXES, key=len, reverse=True):
        if domain.endswith("." + suffix):
            name = domain[: -len(suffix) - 1]
            if "." not in name:
                return name if (name not in _ONLY_DOT_COM or suffix == "com") else None
    return None


def is_personal_email(address: str) -> bool:
    """Whether the address is at a personal email provider (gmail.com, hotmail.co.uk, icloud.com…)."""
    domain = (address or "").strip().lower().rpartition("@")[2]
    return _provider(domain) in PERSONAL_EMAIL_PROVIDERS


def personal_email_message(what: str = "your work email address") -> str:
    return (
        f"Enter {what}, not a personal one: use NHSmail (ending @nhs.net) or your trust's email address. "
        "Personal email addresses, like Gmail, Hotmail, Outlook.com, Yahoo or iCloud, cannot be used"
    )
