"""The organisation register the document is checked against (docs/rules/routing.md §2: "ODS codes that
exist in the organisation register").

The engine depends only on the `OrganisationRegister` protocol; the web app supplies one
backed by its database. `InMemoryRegister` serves tests and command-line fixtures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["InMemoryRegister", "OrganisationRegister"]


@runtime_checkable
class OrganisationRegister(Protocol):
    def trust_exists(self, code: str) -> bool:
        """True when `code` is the ODS code of a trust in the register."""
        ...

    def site_trust(self, site_code: str) -> str | None:
        """The ODS code of the trust that runs site `site_code`, or None if no such site."""
        ...


@dataclass(frozen=True)
class InMemoryRegister:
    """A fixed register: trust codes, and a mapping of site code to its trust's code."""

    trusts: frozenset[str] = frozenset()
    sites: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Keep the value frozen in practice, not only in name.
        object.__setattr__(self, "trusts", frozenset(self.trusts))
        object.__setattr__(self, "sites", dict(self.sites))
        unknown = {trust for trust in self.sites.values() if trust not in self.trusts}
        if unknown:
            raise ValueError(f"sites belong to trusts not in the register: {sorted(unknown)}")

    @classmethod
    def from_sites(cls, sites: Mapping[str, str], *, extra_trusts: Iterable[str] = ()) -> InMemoryRegister:
        """A register whose trusts are those running `sites`, plus `extra_trusts`."""
        return cls(trusts=frozenset(sites.values()) | frozenset(extra_trusts), sites=sites)

    def trust_exists(self, code: str) -> bool:
        return code in self.trusts

    def site_trust(self, site_code: str) -> str | None:
        return self.sites.get(site_code)
