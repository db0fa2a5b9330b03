"""Rules across the cells of a row, against the organisation register, and the
data-quality findings across rows, one class per dataset.

Spec: docs/rules/dashboard.md §1. Errors refuse the file; notes (overlapping episodes of one unit, an
episode after a unit's `closed_on`, a births row with unknown gestation under 400 g, an
empty `termination` ...) never do: "each row counts only where a definition includes it".
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from perinatal.kernel import clinical
from perinatal.kernel.london_time import local_midnight, to_utc

from . import problems as p
from .deprivation import LEAST_DEPRIVED_FIRST, MOST_DEPRIVED_FIRST, QUINTILE_ORDERS, stored_quintile
from .schema import (
    NEONATAL_DEATH_MAX_DAYS,
    OUTCOME_STILLBIRTH,
    QUESTION_CONSIDERED_COMPLAINT,
    STATUSES_FOR_UNIT_TYPE,
    UNIT_TYPE_NEONATAL,
)

# Thresholds that the notes talk about (the metrics define their own, see metrics/reference.py).
_WEIGHT_400_G = clinical.WEIGHT_RULE_MIN_G
_GESTATION_22_WEEKS = clinical.GA_22_0_DAYS
_GESTATION_34_WEEKS = clinical.GA_34_0_DAYS
# Deaths on day 28 are valid but not neonatal deaths (docs/rules/dashboard.md §3.5 policy).
_NEONATAL_DAYS_COUNTED = clinical.NEONATAL_LAST_DAY

#: One problem found in a row: (column or None for the row, rule ID, reason).
Problem = tuple[str | None, str, str]

#: Mothers whose rows disagree (births.csv), by column: the note's rule ID and message. The
#: validator and the import's check in SQL (imports/loading.py) both word them so.
BLOOD_LOSS_NOTE = (
    p.DQ_BLOOD_LOSS_DIFFERS,
    "{count} mother(s) have rows with different blood_loss_ml; the largest is used",
)
#: docs/rules/equity.md §1: a mother takes the group on her rows when they all agree, else Not
#: stated; an empty cell is a value of its own (Not stated) here.
MOTHER_GROUP_NOTES = {
    "ethnic_group": (
        p.DQ_ETHNIC_GROUP_DIFFERS,
        "{count} mother(s) have rows with different ethnic_group; in the breakdowns by ethnic group "
        "her postpartum haemorrhage counts under Not stated",
    ),
    "imd_quintile": (
        p.DQ_IMD_QUINTILE_DIFFERS,
        "{count} mother(s) have rows with different imd_quintile; in the breakdowns by deprivation "
        "her postpartum haemorrhage counts under Not stated",
    ),
}
QUINTILES_REVERSED_MESSAGE = (
    "{count} row(s) gave imd_quintile numbered least deprived first, as the upload said: the "
    "quintiles were reversed on import (stored as 6 − quintile), so that 1 is the most deprived"
)


@dataclass(frozen=True)
class Register:
    """What the organisation register already knows, as the validator needs it."""

    trusts: frozenset[str]
    sites: Mapping[str, frozenset[str]]  # site -> every trust it may be named under
    units: Mapping[str, Any]  # unit_code -> UnitRecord or mapping with the same fields
    only_trust: str | None = None  # a trust's own upload: the one trust its rows may name

    @classmethod
    def build(
        cls,
        *,
        known_trusts: Collection[str],
        known_sites: Mapping[str, str | Collection[str]],
        known_units: Mapping[str, Any] | None,
        only_trust: str | None = None,
    ) -> Register:
        sites = {
            site: frozenset([trusts]) if isinstance(trusts, str) else frozenset(trusts)
            for site, trusts in known_sites.items()
        }
        return cls(trusts=frozenset(known_trusts), sites=sites, units=dict(known_units or {}), only_trust=only_trust)


def attribute(record: Any, name: str) -> Any:
    """A field of a record given as a dataclass or as a mapping (e.g. a database row)."""
    return record[name] if isinstance(record, Mapping) else getattr(record, name)


@dataclass
class _Finding:
    message: str
    count: int = 0
    lines: list[int] = field(default_factory=list)


class NoteCollector:
    """Counts each data-quality finding and keeps the first few lines it concerns."""

    def __init__(self) -> None:
        self._findings: dict[str, _Finding] = {}

    def add(self, code: str, line: int, message: str) -> None:
        """`message` may contain {count}; it is filled in when the notes are made."""
        finding = self._findings.setdefault(code, _Finding(message))
        finding.count += 1
        if len(finding.lines) < p.NOTE_EXAMPLE_LINES:
            finding.lines.append(line)

    def notes(self) -> list[p.DataQualityNote]:
        return [
            p.DataQualityNote(code, f.message.format(count=f.count), f.count, tuple(sorted(f.lines)))
            for code, f in self._findings.items()
        ]


class DatasetRules:
    """Base: no cross-cell rules and no notes."""

    #: False: skip the findings that index every row in memory (validation.ROW_INDEX_CHECKS).
    index_rows = True

    def __init__(self, register: Register, *, quintile_order: str = MOST_DEPRIVED_FIRST) -> None:
        if quintile_order not in QUINTILE_ORDERS:
            raise ValueError(f"quintile_order must be one of {', '.join(QUINTILE_ORDERS)}")
        self.register = register
        self.quintile_order = quintile_order
        self.collector = NoteCollector()

    def check_columns(self, used: Mapping[str, str]) -> Iterator[Problem]:
        """Problems with the columns the file gives (`used`: schema column -> the name the
        file gives it under, itself or its alternative); reported once, on the header."""
        return iter(())

    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        """Problems between the cells of one row; `values` holds only the cells that parsed."""
        return iter(())

    def prepare(self, values: dict[str, Any], line: int) -> None:
        """Fill in what an empty cell means, in place, for a row that passed every check."""

    def observe(self, record: Any, line: int) -> None:
        """See an accepted record, for the notes."""

    def finish(self) -> list[p.DataQualityNote]:
        return self.collector.notes()

    # Shared register checks
    def _check_trust(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        trust = values.get("trust_code")
        if trust is not None and trust not in self.register.trusts:
            yield ("trust_code", p.ERR_UNKNOWN_TRUST, f"trust '{trust}' is not in the organisation register")
        elif trust is not None and self.register.only_trust is not None and trust != self.register.only_trust:
            yield (
                "trust_code",
                p.ERR_ANOTHER_TRUST,
                f"trust '{trust}' is another trust: this upload is {self.register.only_trust}'s own and may "
                f"hold only rows of {self.register.only_trust}",
            )

    def _check_site(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        site, trust = values.get("site_code"), values.get("trust_code")
        if site is None:
            return
        owners = self.register.sites.get(site)
        if owners is None:
            yield (
                "site_code",
                p.ERR_UNKNOWN_SITE,
                f"site '{site}' is not in the organisation register (load a units.csv naming it first)",
            )
        elif trust is not None and trust in self.register.trusts and trust not in owners:
            yield (
                "site_code",
                p.ERR_SITE_OF_OTHER_TRUST,
                f"site '{site}' belongs to trust {' or '.join(sorted(owners))}, not {trust}",
            )


class UnitsRules(DatasetRules):
    def __init__(self, register: Register, **options: Any) -> None:
        super().__init__(register, **options)
        self.new_sites: dict[str, str] = {}  # site -> trust, for sites this file adds
        self._new_site_lines: dict[str, int] = {}

    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._check_trust(values)
        site, trust = values.get("site_code"), values.get("trust_code")
        if site is not None and trust is not None:
            owners = self.register.sites.get(site)
            if owners is not None and trust not in owners:
                yield (
                    "site_code",
                    p.ERR_SITE_OF_OTHER_TRUST,
                    f"site '{site}' is registered under trust {' or '.join(sorted(owners))}, "
                    f"not {trust}; a site moves to another trust only by a dated transfer in "
                    "the organisation register",
                )
            elif owners is None and self.new_sites.get(site, trust) != trust:
                yield (
                    "site_code",
                    p.ERR_SITE_OF_OTHER_TRUST,
                    f"site '{site}' is named under trust {self.new_sites[site]} on line "
                    f"{self._new_site_lines[site]} and under {trust} here",
                )
        level, unit_type = values.get("neonatal_level"), values.get("unit_type")
        if level is not None and unit_type is not None and unit_type != UNIT_TYPE_NEONATAL:
            yield (
                "neonatal_level",
                p.ERR_NEONATAL_LEVEL_NOT_NEONATAL,
                f"neonatal_level must be empty unless unit_type is neonatal (here it is {unit_type})",
            )
        opened, closed = values.get("opened_on"), values.get("closed_on")
        if opened is not None and closed is not None and closed <= opened:
            yield (
                "closed_on",
                p.ERR_CLOSED_NOT_AFTER_OPENED,
                f"closed_on {closed} must be after opened_on {opened} (closed_on is the first day closed)",
            )

    def observe(self, record: Any, line: int) -> None:
        if record.site_code not in self.register.sites and record.site_code not in self.new_sites:
            self.new_sites[record.site_code] = record.trust_code
            self._new_site_lines[record.site_code] = line
            self.collector.add(p.DQ_NEW_SITE, line, "{count} new site(s) will be added to the organisation register")
        if record.unit_type == UNIT_TYPE_NEONATAL and record.neonatal_level is None:
            self.collector.add(
                p.DQ_NEONATAL_LEVEL_UNKNOWN, line, "{count} neonatal unit(s) have no neonatal_level (unknown)"
            )


class BirthsRules(DatasetRules):
    def __init__(self, register: Register, *, quintile_order: str = MOST_DEPRIVED_FIRST) -> None:
        super().__init__(register, quintile_order=quintile_order)
        self._blood_loss: dict[str, int] = {}  # mother_id -> first known blood_loss_ml
        self._mothers_differing: set[str] = set()
        # column -> mother_id -> the value on her first row (None: empty), and who differs
        self._groups: dict[str, dict[str, Any]] = {column: {} for column in MOTHER_GROUP_NOTES}
        self._groups_differing: dict[str, set[str]] = {column: set() for column in MOTHER_GROUP_NOTES}
        self._reverse_quintiles = quintile_order == LEAST_DEPRIVED_FIRST
        self._quintiles_reversed = 0

    def check_columns(self, used: Mapping[str, str]) -> Iterator[Problem]:
        if self.quintile_order == LEAST_DEPRIVED_FIRST and used.get("imd_quintile") == "imd_rank":
            self._reverse_quintiles = False
            yield (
                "imd_rank",
                p.ERR_RANK_IN_REVERSED_ORDER,
                "imd_rank gives English Indices of Deprivation 2025 ranks, where 1 is always the most "
                "deprived area: the upload says quintiles are numbered least deprived first, which "
                "only an imd_quintile column can be. Upload this file with quintiles numbered most "
                "deprived first",
            )

    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._check_trust(values)
        yield from self._check_site(values)
        died, born = values.get("neonatal_death_on"), values.get("born_on")
        if died is None:
            return
        if values.get("outcome") == OUTCOME_STILLBIRTH:
            yield (
                "neonatal_death_on",
                p.ERR_DEATH_NOT_LIVE_BIRTH,
                "neonatal_death_on is given for a stillbirth; it is only for live-born babies",
            )
        if born is not None and died < born:
            yield ("neonatal_death_on", p.ERR_DEATH_BEFORE_BIRTH, f"neonatal_death_on {died} is before born_on {born}")
        elif born is not None and (died - born).days > NEONATAL_DEATH_MAX_DAYS:
            yield (
                "neonatal_death_on",
                p.ERR_DEATH_AFTER_28_DAYS,
                f"neonatal_death_on {died} is {(died - born).days} days after born_on {born}; "
                f"it is given only for deaths 0–{NEONATAL_DEATH_MAX_DAYS} days after birth",
            )

    def prepare(self, values: dict[str, Any], line: int) -> None:
        quintile = values["imd_quintile"]
        if self._reverse_quintiles and quintile is not None:
            values["imd_quintile"] = stored_quintile(quintile, order=LEAST_DEPRIVED_FIRST)
            self._quintiles_reversed += 1
        if values["termination"] is None:
            values["termination"] = False
            self.collector.add(
                p.DQ_EMPTY_TERMINATION,
                line,
                _rows_message("have an empty termination, counted as 0 (not a termination)"),
            )

    def observe(self, record: Any, line: int) -> None:
        add = self.collector.add
        gestation, weight = record.gestation_days, record.birth_weight_g
        if gestation is None and weight is None:
            add(
                p.DQ_UNKNOWN_GESTATION_AND_WEIGHT,
                line,
                _rows_message(
                    "have neither gestation nor weight; they are left out of the "
                    "stillbirth and neonatal mortality rates"
                ),
            )
        elif gestation is None and weight < _WEIGHT_400_G:
            add(
                p.DQ_UNKNOWN_GESTATION_UNDER_400G,
                line,
                _rows_message(
                    "have unknown gestation and weigh under 400 g; they are left out "
                    "of the stillbirth and neonatal mortality rates"
                ),
            )
        elif gestation is not None and gestation < _GESTATION_22_WEEKS and (weight is None or weight < _WEIGHT_400_G):
            add(
                p.DQ_BELOW_22_WEEKS_UNDER_400G,
                line,
                _rows_message(
                    "are below 22+0 weeks and not known to weigh 400 g or more, so outside this file's scope"
                ),
            )
        if record.neonatal_death_on is not None and (
            (record.neonatal_death_on - record.born_on).days > _NEONATAL_DAYS_COUNTED
        ):
            add(
                p.DQ_DEATH_ON_DAY_28,
                line,
                _rows_message(
                    "give a death 28 days after birth; neonatal deaths are 0–27 "
                    "completed days, so these are not counted as neonatal deaths"
                ),
            )
        if not self.index_rows:
            return
        if record.blood_loss_ml is not None:
            first = self._blood_loss.setdefault(record.mother_id, record.blood_loss_ml)
            if first != record.blood_loss_ml and record.mother_id not in self._mothers_differing:
                self._mothers_differing.add(record.mother_id)
                code, message = BLOOD_LOSS_NOTE
                add(code, line, message)
        for column, (code, message) in MOTHER_GROUP_NOTES.items():
            value, first_values = getattr(record, column), self._groups[column]
            if record.mother_id not in first_values:
                first_values[record.mother_id] = value
            elif first_values[record.mother_id] != value and record.mother_id not in self._groups_differing[column]:
                self._groups_differing[column].add(record.mother_id)
                add(code, line, message)

    def finish(self) -> list[p.DataQualityNote]:
        notes = super().finish()
        if self._quintiles_reversed:
            count = self._quintiles_reversed
            notes.append(
                p.DataQualityNote(p.DQ_QUINTILES_REVERSED, QUINTILES_REVERSED_MESSAGE.format(count=count), count, ())
            )
        return notes


class NeonatalCareRules(DatasetRules):
    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._check_trust(values)
        yield from self._check_site(values)

    def observe(self, record: Any, line: int) -> None:
        if record.gestation_days is None:
            self.collector.add(
                p.DQ_NEONATAL_CARE_UNKNOWN_GESTATION,
                line,
                _rows_message("have unknown gestation; they are left out of optimal perinatal care"),
            )
        elif record.gestation_days >= _GESTATION_34_WEEKS:
            self.collector.add(
                p.DQ_NEONATAL_CARE_34_WEEKS_OR_MORE,
                line,
                _rows_message("are for babies born at 34+0 weeks or more; they are left out of optimal perinatal care"),
            )


@dataclass(frozen=True)
class _Episode:
    start: datetime  # UTC
    end: datetime | None  # UTC; None = still going on
    line: int


class UnitStatusRules(DatasetRules):
    def __init__(self, register: Register, **options: Any) -> None:
        super().__init__(register, **options)
        self._episodes: dict[str, list[_Episode]] = {}

    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        code, status = values.get("unit_code"), values.get("status")
        if code is not None:
            unit = self.register.units.get(code)
            if unit is None:
                yield (
                    "unit_code",
                    p.ERR_UNKNOWN_UNIT,
                    f"unit '{code}' is not known (load a units.csv naming it first)",
                )
            elif status is not None:
                unit_type = attribute(unit, "unit_type")
                if status not in STATUSES_FOR_UNIT_TYPE[unit_type]:
                    allowed = " or ".join(STATUSES_FOR_UNIT_TYPE[unit_type])
                    yield (
                        "status",
                        p.ERR_STATUS_FOR_UNIT_TYPE,
                        f"status '{status}' is not used for {unit_type} units (unit {code}); use {allowed}",
                    )
        started, ended = values.get("started_at"), values.get("ended_at")
        if started is not None and ended is not None and to_utc(ended) <= to_utc(started):
            yield ("ended_at", p.ERR_ENDED_NOT_AFTER_STARTED, "ended_at must be after started_at")

    def observe(self, record: Any, line: int) -> None:
        unit = self.register.units[record.unit_code]
        start = to_utc(record.started_at)
        end = None if record.ended_at is None else to_utc(record.ended_at)
        closed_on: date | None = attribute(unit, "closed_on")
        opened_on: date = attribute(unit, "opened_on")
        if closed_on is not None and start >= to_utc(local_midnight(closed_on)):
            self.collector.add(
                p.DQ_EPISODE_AFTER_CLOSURE,
                line,
                _rows_message("describe an episode starting on or after the unit's closed_on"),
            )
        if start < to_utc(local_midnight(opened_on)):
            self.collector.add(
                p.DQ_EPISODE_BEFORE_OPENING,
                line,
                _rows_message("describe an episode starting before the unit's opened_on"),
            )
        self._episodes.setdefault(record.unit_code, []).append(_Episode(start, end, line))

    def finish(self) -> list[p.DataQualityNote]:
        for episodes in self._episodes.values():
            ordered = sorted(episodes, key=lambda episode: episode.start)
            reach = ordered[0].end  # latest end so far; None = still going on
            for episode in ordered[1:]:
                if reach is None or episode.start < reach:
                    self.collector.add(
                        p.DQ_OVERLAPPING_EPISODES,
                        episode.line,
                        _rows_message("describe an episode overlapping an earlier episode of the same unit"),
                    )
                if reach is not None:
                    reach = None if episode.end is None else max(reach, episode.end)
        return super().finish()


class InductionsRules(DatasetRules):
    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._check_trust(values)
        yield from self._check_site(values)
        admitted, started = values.get("admitted_at"), values.get("started_at")
        if admitted is not None and started is not None and to_utc(started) < to_utc(admitted):
            yield ("started_at", p.ERR_STARTED_BEFORE_ADMITTED, "started_at is before admitted_at")


class SurveyRules(DatasetRules):
    def check(self, values: Mapping[str, Any]) -> Iterator[Problem]:
        yield from self._check_trust(values)
        responses, yes = values.get("responses"), values.get("yes")
        if responses is not None and yes is not None and yes > responses:
            yield ("yes", p.ERR_YES_EXCEEDS_RESPONSES, f"yes ({yes}) is more than responses ({responses})")

    def observe(self, record: Any, line: int) -> None:
        if record.question != QUESTION_CONSIDERED_COMPLAINT:
            self.collector.add(
                p.DQ_UNUSED_SURVEY_QUESTION, line, _rows_message("are for questions no dashboard metric uses")
            )


def _rows_message(rest: str) -> str:
    """A note message template: "{count} rows <rest>"."""
    return "{count} row(s) " + rest


RULES_FOR_DATASET: dict[str, type[DatasetRules]] = {
    "units": UnitsRules,
    "births": BirthsRules,
    "neonatal_care": NeonatalCareRules,
    "unit_status": UnitStatusRules,
    "inductions": InductionsRules,
    "survey": SurveyRules,
}
