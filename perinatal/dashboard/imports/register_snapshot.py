"""What the organisation register knows, read once before a file is checked.

The validator (datasets.validation) needs trust codes, the trusts each site may be named
under (every trust in its ownership history, so that rows from before and after a dated
transfer are both right: docs/rules/dashboard.md §1), and the units for unit_status.csv. Loading
needs the database ids behind those codes. `RegisterSnapshot` is plain data, so a file can
be checked in another process (the demo loader checks two files at once).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from perinatal.organisations.models import Organisation, Site, SiteOwnership, Unit


@dataclass(frozen=True)
class RegisterSnapshot:
    trust_ids: dict[str, int]  # trust code -> Organisation id (every trust, open or closed)
    site_ids: dict[str, int]  # site code -> Site id
    site_trusts: dict[str, frozenset[str]]  # site code -> trust codes over its ownership history
    units: dict[str, dict[str, Any]]  # unit code -> id, unit_type, opened_on, closed_on
    only_trust: str | None = None  # a trust's own upload: the one trust its rows may name

    @property
    def known_units(self) -> dict[str, dict[str, Any]]:
        return self.units

    def validator_register(self) -> dict[str, Any]:
        """What the row validator is told of the register (`validate_rows`' and
        `Register.build`'s keyword arguments), named here once for the screen and staging."""
        return {
            "known_trusts": self.trust_ids.keys(),
            "known_sites": self.site_trusts,
            "known_units": self.known_units,
            "only_trust": self.only_trust,
        }

    def for_trust(self, code: str) -> RegisterSnapshot:
        """The register as a trust's own upload is checked against: its rows name only `code`."""
        return replace(self, only_trust=code)

    def unit_codes_by_id(self) -> dict[int, str]:
        return {unit["id"]: code for code, unit in self.units.items()}

    def trust_codes_by_id(self) -> dict[int, str]:
        return {pk: code for code, pk in self.trust_ids.items()}

    def site_codes_by_id(self) -> dict[int, str]:
        return {pk: code for code, pk in self.site_ids.items()}


def read_register() -> RegisterSnapshot:
    """The register as the import needs it, in four queries."""
    trust_ids = dict(Organisation.objects.filter(kind=Organisation.Kind.TRUST).values_list("code", "id"))
    site_ids = dict(Site.objects.values_list("code", "id"))
    site_trusts: dict[str, set[str]] = {}
    for site_code, trust_code in SiteOwnership.objects.values_list("site__code", "trust__code"):
        site_trusts.setdefault(site_code, set()).add(trust_code)
    units: dict[str, dict[str, Any]] = {}
    for pk, code, unit_type, opened_on, closed_on in Unit.objects.values_list(
        "id", "code", "unit_type", "opened_on", "closed_on"
    ):
        units[code] = {"id": pk, "unit_type": unit_type, "opened_on": opened_on, "closed_on": closed_on}
    return RegisterSnapshot(
        trust_ids=trust_ids,
        site_ids=site_ids,
        site_trusts={site: frozenset(trusts) for site, trusts in site_trusts.items()},
        units=units,
    )
