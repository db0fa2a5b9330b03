"""The case list and the export: one row per case, computed by the clocks as of a day
(docs/rules/improvement.md §3: the case list page shows the same figures as the export)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from perinatal.improvement.models import Case
from perinatal.improvement.selectors.cases import timelines_of
from perinatal.improvement.transfer import ExportCase, ExportRow, export_rows
from perinatal.organisations.selectors import parent_on


def export_cases(cases: Iterable[Case], *, as_of: date) -> list[ExportCase]:
    """Each case with its trust's region on ``as_of`` (empty when the register has none)."""
    cases = list(cases)
    timelines = timelines_of(cases)
    regions: dict[int, str] = {}
    result = []
    for case in cases:
        if case.trust_id not in regions:
            parent = parent_on(case.trust, as_of)
            regions[case.trust_id] = parent.region.code if parent is not None and parent.region is not None else ""
        result.append(
            ExportCase(
                case_id=case.case_id,
                trust_code=case.trust.code,
                region_code=regions[case.trust_id],
                timeline=timelines[case.pk],
            )
        )
    return result


def export_all(*, as_of: date) -> list[ExportRow]:
    """``perinatal improvement export``: every case identified by ``as_of``, ordered by case_id."""
    return export_rows(export_cases(Case.objects.select_related("trust"), as_of=as_of), as_of=as_of)


@dataclass(frozen=True)
class CaseListRow:
    """A case on the list: the stored case and its export row as of the day."""

    case: Case
    row: ExportRow


def case_list_rows(cases: Iterable[Case], *, as_of: date) -> list[CaseListRow]:
    """The export's rows for these cases, each with its case (cases identified after ``as_of`` left out)."""
    by_id = {case.case_id: case for case in cases}
    return [
        CaseListRow(by_id[row.case_id], row)
        for row in export_rows(export_cases(by_id.values(), as_of=as_of), as_of=as_of)
    ]
