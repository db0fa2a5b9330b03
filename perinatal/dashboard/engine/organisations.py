"""The ICB and region of each trust on a date, and organisation names, read in two queries.

docs/rules/dashboard.md §4: "the ICB and region of a trust are those of the ODS extract in force on
the period's end date". This is organisations.selectors.parent_on for every trust at once:
the parent period containing the day, else (a trust closed before a later extract) the
latest one that began before it. **policy**: before 1 July 2022, when ICBs began and no
extract is in force, a trust is placed by the earliest extract, so that a series over
2022 has an ICB and region for every period (the boundary is a series break).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from perinatal.dashboard.metrics.rows import LEVEL_ICB, LEVEL_NATIONAL, LEVEL_REGION, NATIONAL_CODE, NATIONAL_NAME
from perinatal.organisations.models import Organisation, TrustParent


@dataclass(frozen=True)
class ParentPeriod:
    valid_from: date
    valid_until: date | None
    icb: str | None
    region: str | None


class OrganisationMap:
    """Trust ids and codes, their parents over time, the names of every organisation, and when
    each trust was open and whether it provides maternity services (the register's facts)."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.trust_codes: dict[int, str] = {}
        self.kinds: dict[str, str] = {}
        self.trust_open: dict[str, tuple[date | None, date | None]] = {}  # (opened_on, closed_on)
        self.maternity: set[str] = set()  # trusts that provide births (the register's provides_births)
        for pk, code, name, kind, opened_on, closed_on, provides_births in Organisation.objects.values_list(
            "id", "code", "name", "kind", "opened_on", "closed_on", "provides_births"
        ):
            self.names[code] = Organisation(code=code, name=name, kind=kind).display_name
            self.kinds[code] = kind
            if kind == Organisation.Kind.TRUST:
                self.trust_codes[pk] = code
                self.trust_open[code] = (opened_on, closed_on)
                if provides_births:
                    self.maternity.add(code)
        self.trust_ids = {code: pk for pk, code in self.trust_codes.items()}
        self._parents: dict[str, list[ParentPeriod]] = {}
        for trust, valid_from, valid_until, icb, region in TrustParent.objects.order_by(
            "trust__code", "valid_from"
        ).values_list("trust__code", "valid_from", "valid_until", "icb__code", "region__code"):
            self._parents.setdefault(trust, []).append(ParentPeriod(valid_from, valid_until, icb, region))
        self._starts = {trust: [p.valid_from for p in periods] for trust, periods in self._parents.items()}

    def parent_on(self, trust_code: str, day: date) -> tuple[str | None, str | None]:
        """(icb code, region code) of the trust on `day`; (None, None) if it has no parents."""
        periods = self._parents.get(trust_code)
        if not periods:
            return None, None
        index = bisect_right(self._starts[trust_code], day) - 1
        # Periods of one trust do not overlap: the last one starting on or before the day
        # holds it, or is the latest before it (a closed trust keeps its last parents).
        chosen = periods[index] if index >= 0 else periods[0]
        return chosen.icb, chosen.region

    def open_during(self, trust_code: str, start: date, end: date) -> bool:
        """Open on some day of [start, end] (closed_on is the first day closed)."""
        opened_on, closed_on = self.trust_open.get(trust_code, (None, None))
        return (opened_on is None or opened_on <= end) and (closed_on is None or closed_on > start)

    def listed(self, trust_code: str, *, start: date, end: date, has_data: bool) -> bool:
        """Whether a trust belongs in the dashboard's lists, tables and charts for [start, end]
        (issue 12: closed trusts, and mental health, community and ambulance trusts, showed as
        empty rows): a trust with data in the period always; otherwise only a trust that
        provides maternity services and is open during the period."""
        return has_data or (trust_code in self.maternity and self.open_during(trust_code, start, end))

    def name(self, level: str, code: str) -> str:
        if level == LEVEL_NATIONAL:
            return NATIONAL_NAME
        return self.names.get(code, code)

    def trusts_ever_under(self, level: str, code: str) -> frozenset[str]:
        """Trusts that belong to an ICB or region on some date (every trust for England)."""
        if level == LEVEL_NATIONAL or code == NATIONAL_CODE:
            return frozenset(self.trust_ids)
        attribute = "icb" if level == LEVEL_ICB else "region" if level == LEVEL_REGION else None
        if attribute is None:
            return frozenset({code})
        return frozenset(
            trust
            for trust, periods in self._parents.items()
            if any(getattr(period, attribute) == code for period in periods)
        )

    def trusts_under_on(self, level: str, code: str, day: date) -> frozenset[str]:
        """Trusts in an ICB or region on a day, as the roll-up places them."""
        if level == LEVEL_NATIONAL:
            return frozenset(self.trust_ids)
        position = 0 if level == LEVEL_ICB else 1
        return frozenset(
            trust for trust in self.trusts_ever_under(level, code) if self.parent_on(trust, day)[position] == code
        )
