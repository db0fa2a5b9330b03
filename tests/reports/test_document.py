"""The report document (docs/rules/board_report.md §1, §3): its metrics are `perinatal metrics`
for the same trust and dates; its safety checks' statuses follow the 8-working-day rule on the
day the report is generated; the public edition identifies no one and shows no small count."""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.metrics.rows import MetricRow
from perinatal.dashboard.pages.builders.trusts import trust_funnel
from perinatal.kernel.working_days import SAFETY_CHECK_WORKING_DAYS, add_working_days
from perinatal.organisations.models import Site
from perinatal.reports.rendering import document_html
from perinatal.reports.rules import ReportMonth
from perinatal.reports.selectors.dashboard_section import funnel_position_of
from perinatal.reports.selectors.document import build_document, generated_changes, text_of
from perinatal.reports.services.drafts import open_report
from perinatal.reports.services.entries import save_mds_item, save_part
from perinatal.stats.funnel import FunnelGroup, default_target, overdispersion_proportions
from perinatal.surveillance.models import CriticalSafetyCheck, SafetyCheckAction
from tests.reports.conftest import MONTH, TRUST

pytestmark = pytest.mark.django_db
GENERATED_ON = date(2026, 11, 27)


def command_rows(*args: str) -> list[dict]:
    out = io.StringIO()
    call_command("metrics", *args, "--level", "trust", "--format", "json", stdout=out)
    return [row for row in json.loads(out.getvalue())["rows"] if row["org_code"] == TRUST]


@pytest.mark.parametrize("public", [False, True])
def test_metrics_are_perinatal_metrics_for_the_same_trust_and_dates(trust, public):
    doc = build_document(trust=trust, month=MONTH, generated_on=GENERATED_ON, public=public)
    flag = ("--public",) if public else ()
    assert doc["metrics"]["month"]["rows"] == command_rows("--from", "2026-10-01", "--to", "2026-10-31", *flag)
    assert doc["metrics"]["twelve_months"]["rows"] == command_rows("--from", "2025-11-01", "--to", "2026-10-31", *flag)
    assert doc["metrics"]["month"]["rows"], "the demo trust has rows for October 2026"


def test_the_dashboard_part_leads_with_the_month(trust):
    doc = build_document(trust=trust, month=MONTH, generated_on=GENERATED_ON, public=False)
    by_id = {metric["metric_id"]: metric for metric in doc["dashboard"]["metrics"]}
    month_rows = {(row["metric_id"], row["period_end"]): row for row in doc["metrics"]["month"]["rows"]}
    # Outcome metrics over births in the month; operational ones over the fortnight ending on its last day.
    assert by_id["stillbirth_rate"]["row"] == month_rows[("stillbirth_rate", "2026-10-31")]
    assert by_id["stillbirth_rate"]["row"]["period_start"] == "2026-10-01"
    assert by_id["obstetric_unit_suspensions"]["row"]["period_start"] == "2026-10-18"
    assert by_id["stillbirth_rate"]["england_value"] not in ("", "No data")
    top = [d.id for d in metric_definitions() if not d.is_sub_measure]
    assert [metric["metric_id"] for metric in doc["dashboard"]["metrics"]] == top


def test_safety_check_statuses_on_the_day_of_the_report(trust):
    site = Site.objects.get(code="R0A03")

    def make(opened_on, due_on, completed_at=None):
        return CriticalSafetyCheck.objects.create(
            site=site,
            trust=trust,
            opened_at=datetime.combine(opened_on, datetime.min.time(), tzinfo=UTC),
            opened_on=opened_on,
            due_on=due_on,
            status=CriticalSafetyCheck.Status.COMPLETED if completed_at else CriticalSafetyCheck.Status.OPEN,
            completed_at=completed_at,
        )

    # Signalled on 22 December 2025: due 6 January 2026 (Christmas, Boxing Day and New Year).
    on_due_day = make(date(2025, 12, 22), date(2026, 1, 6), datetime(2026, 1, 6, 16, tzinfo=UTC))
    late = make(date(2025, 12, 22), date(2026, 1, 6), datetime(2026, 1, 7, 9, tzinfo=UTC))
    still_open = make(date(2026, 11, 19), date(2026, 12, 1))

    def statuses(on):
        doc = build_document(trust=trust, month=MONTH, generated_on=on, public=False)
        return {row["reference"]: row for row in doc["safety_checks"]}

    today = statuses(GENERATED_ON)
    assert today[on_due_day.reference]["status"] == "completed_on_time"
    assert today[late.reference]["status"] == "completed_late"
    assert today[late.reference]["status_words"] == "Completed late (on 7 January 2026)"
    assert today[still_open.reference]["status"] == "open"
    assert today[still_open.reference]["due_on"] == "2026-12-01"
    assert statuses(date(2026, 12, 1))[still_open.reference]["status"] == "open"  # the due day itself
    assert statuses(date(2026, 12, 2))[still_open.reference]["status"] == "overdue"
    # Generated before the late completion was recorded, the check was overdue, not completed.
    earlier = build_document(trust=trust, month=ReportMonth(2025, 12), generated_on=date(2026, 1, 6), public=False)
    rows = {row["reference"]: row for row in earlier["safety_checks"]}
    assert rows[late.reference]["status"] == "open" and rows[late.reference]["completed_on"] is None
    assert rows[on_due_day.reference]["status"] == "completed_on_time"


def test_safety_checks_on_the_boundaries_of_the_8th_working_day(trust):
    """Due dates counted over bank holidays; the report generated on the due day itself and on the
    day after; checks completed late on the due day and just after it, on England's clock."""
    site = Site.objects.get(code="R0A03")

    def make(signalled: date, completed_at: datetime | None = None) -> CriticalSafetyCheck:
        return CriticalSafetyCheck.objects.create(
            site=site,
            trust=trust,
            opened_at=datetime.combine(signalled, datetime.min.time(), tzinfo=UTC),
            opened_on=signalled,
            due_on=add_working_days(start=signalled, n=SAFETY_CHECK_WORKING_DAYS),
            status=CriticalSafetyCheck.Status.COMPLETED if completed_at else CriticalSafetyCheck.Status.OPEN,
            completed_at=completed_at,
        )

    def statuses(on: date) -> dict[str, str]:
        doc = build_document(trust=trust, month=ReportMonth.of(on).shifted(-1), generated_on=on, public=False)
        return {row["reference"]: row["status"] for row in doc["safety_checks"]}

    # Winter: signalled on Tuesday 22 December 2026; 25 and 28 December and 1 January are bank
    # holidays, so the 8th working day is Wednesday 6 January 2027 (London is on GMT).
    christmas = date(2026, 12, 22)
    open_check = make(christmas)
    assert open_check.due_on == date(2027, 1, 6)
    due_day_evening = make(christmas, datetime(2027, 1, 6, 23, 30, tzinfo=UTC))
    just_after = make(christmas, datetime(2027, 1, 7, 0, 5, tzinfo=UTC))
    on_due_day = statuses(date(2027, 1, 6))
    assert on_due_day[open_check.reference] == "open"  # the due day itself is in time
    assert on_due_day[due_day_evening.reference] == "completed_on_time"
    assert on_due_day[just_after.reference] == "open"  # completed after the report was generated
    day_after = statuses(date(2027, 1, 7))
    assert day_after[open_check.reference] == "overdue"
    assert day_after[due_day_evening.reference] == "completed_on_time"
    assert day_after[just_after.reference] == "completed_late"

    # Summer: signalled on Thursday 20 August 2026, the late summer bank holiday on Monday 31
    # August: due Wednesday 2 September. 22:30 UTC is 23:30 in London (BST), 23:30 UTC is the next day.
    august = date(2026, 8, 20)
    in_time = make(august, datetime(2026, 9, 2, 22, 30, tzinfo=UTC))
    late = make(august, datetime(2026, 9, 2, 23, 30, tzinfo=UTC))
    assert in_time.due_on == date(2026, 9, 2)
    later = statuses(GENERATED_ON)
    assert later[in_time.reference] == "completed_on_time"
    assert later[late.reference] == "completed_late"
    assert open_check.reference not in later  # signalled after the day of that report


def test_what_changed_is_written_from_the_data_then_edited_by_the_author(trust, author):
    report, _ = open_report(trust=trust, month=MONTH, by=author)

    def doc(public=False):
        return build_document(trust=trust, month=MONTH, generated_on=GENERATED_ON, public=public, report=report)

    first = doc()
    generated = first["summary"]["generated_changes"]
    assert generated and first["summary"]["changes"] == generated and not first["summary"]["changes_edited"]
    assert generated == generated_changes(trust=trust, month=MONTH, generated_on=GENERATED_ON)
    assert "Written from the data." in document_html(first)
    # The form starts from the list as written from the data: saving it unchanged is accepted.
    save_part(report=report, part="summary", raw={"changed": text_of(generated)}, by=author)

    edited = "Stillbirths: no change from September.\n\n  Two babies were transferred out of the area.  \n"
    save_part(report=report, part="summary", raw={"changed": edited, "meaning": "Within the range"}, by=author)
    private = doc()
    assert private["summary"]["changes"] == [
        "Stillbirths: no change from September.",
        "Two babies were transferred out of the area.",
    ]
    assert private["summary"]["changes_edited"] and private["summary"]["generated_changes"] == generated
    html = document_html(private)
    assert "Two babies were transferred out of the area." in html
    assert "Written from the data, then edited by the author." in html
    # The public edition lists what changed from its own controlled figures, never the author's list.
    public = doc(public=True)
    assert public["summary"]["changes"] == public["summary"]["generated_changes"]
    assert not public["summary"]["changes_edited"]
    assert "Two babies" not in document_html(public) + json.dumps(public)
    # Emptied, the list from the data is back.
    save_part(report=report, part="summary", raw={"changed": " \n "}, by=author)
    assert doc()["summary"]["changes"] == generated


NHS_NUMBER = "9434765919"
#: The same NHS number as people write it.
NHS_NUMBER_SPACINGS = ("943 476 5919", "943-476-5919", "94 34 76 59 19", "943  476  5919", "943.476.5919")
NAMES = ("Rosa Diaz", "Jane Smith", "Amir Khan", "Priya Shah")
POSTCODE = "M13 9WL"


def test_the_public_edition_identifies_no_one_and_shows_no_small_count(trust, author, settings):
    """A report built from data seeded with names, NHS numbers in every spacing, a postcode and
    counts of 1 to 7 people: the private edition keeps the names it may show and nothing else; the
    public edition shows none of them."""
    settings.PERINATAL_NOW = "2026-11-27T09:00"
    report, _ = open_report(trust=trust, month=MONTH, by=author)
    save_part(
        report=report,
        part="cover",
        raw={"executive_lead_title": "Chief Nurse", "executive_lead_name": NAMES[0], "meeting": "public"},
        by=author,
    )
    save_part(report=report, part="summary", raw={"changed": f"{NAMES[3]} reviewed 2 babies' care."}, by=author)
    save_mds_item(report=report, item="pmrt", raw={"reviews_completed": "3", "grade_b": "2"}, by=author)
    save_mds_item(
        report=report, item="harm_incidents", raw={"incidents": "12", "themes": "Delays in escalation"}, by=author
    )
    save_mds_item(report=report, item="red_flags", raw={"red_flags": "5"}, by=author)
    check = CriticalSafetyCheck.objects.filter(trust=trust).first()
    for number, spacing in enumerate(NHS_NUMBER_SPACINGS):
        SafetyCheckAction.objects.create(
            safety_check=check,
            description=f"Review {number}: the care of {NAMES[1]} ({spacing}, {POSTCODE})",
            owner=NAMES[2],
            due_on=date(2026, 12, 1),
            recorded_by=author,
            recorded_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        )
    private = build_document(trust=trust, month=MONTH, generated_on=GENERATED_ON, public=False, report=report)
    public = build_document(trust=trust, month=MONTH, generated_on=GENERATED_ON, public=True, report=report)
    private_text = document_html(private) + json.dumps(private)
    # The seeds are there: the private edition names the executive lead, keeps the actions (without
    # the identifiers) and the author's summary, and shows counts of 1 to 7 people.
    assert NAMES[0] in private_text and "Review 4: the care of" in private_text and NAMES[3] in private_text
    assert private_text.count("[nhs-number]") >= len(NHS_NUMBER_SPACINGS)
    assert NHS_NUMBER not in re.sub(r"\D", "", private_text)
    assert POSTCODE not in private_text and NAMES[2] not in private_text
    small = [count for count in _people_counts(private) if isinstance(count, int) and 1 <= count <= 7]
    assert {3, 5} <= set(small) and len(small) > 2, "the data hold counts of 1 to 7 people"

    public_text = document_html(public) + json.dumps(public)
    assert NHS_NUMBER not in re.sub(r"\D", "", public_text)
    for name in NAMES:
        assert name not in public_text
    assert POSTCODE not in public_text and "Delays in escalation" not in public_text
    assert "2 babies" not in public_text
    # Monthly deaths at a site are never in the public edition.
    assert all("moss_rows" not in site for site in public["signals"]["sites"])
    for count in _people_counts(public):
        assert not (isinstance(count, int) and 1 <= count <= 7), count
    assert {"3", "5"}.isdisjoint({field["text"] for item in public["mds"] for field in item["fields"]})


def _people_counts(doc):
    """Every count of people the public document shows."""
    definitions = {d.id: d for d in metric_definitions()}
    rows = [*doc["metrics"]["month"]["rows"], *doc["metrics"]["twelve_months"]["rows"]]
    for metric in doc["dashboard"]["metrics"]:
        rows += metric["series"] + [r for r in (metric["row"], metric["twelve_months_row"]) if r]
    for row in rows:
        definition = definitions[row["metric_id"]]
        if definition.numerator_counts_people:
            yield row["numerator"]
        if definition.denominator_counts_people:
            yield row["denominator"]
    for key in ("by_ethnic_group", "by_imd_quintile"):
        for row in doc["equity"][key]:
            yield row["numerator"]
            yield row["denominator"]
    notes = doc["notifications"]
    yield notes["notified"]
    yield notes["mnsi_accepted"]
    yield notes["nhsr_early_notification"]
    for row in notes["by_type"]:
        yield row["count"]
    for body in notes["bodies"]:
        yield from (body["sent"], body["late"], body["open_questions"])
    for item in doc["mds"]:
        for field in item["fields"]:
            yield field["value"] if item["key"] in ("pmrt", "harm_incidents", "red_flags", "regulation_28") else None


def _rows_of_every_trust(metric_id: str, rates: list[float], births: list[int]) -> list[MetricRow]:
    return [
        MetricRow(
            metric_id=metric_id,
            org_level="trust",
            org_code=f"T{index:02d}",
            org_name=f"Trust {index}",
            period_start=date(2026, 10, 1),
            period_end=date(2026, 10, 31),
            numerator=round(rate * size),
            denominator=size,
            value=Decimal(rate),
            lower_95=None,
            upper_95=None,
        )
        for index, (rate, size) in enumerate(zip(rates, births, strict=True))
    ]


AT_TARGET_BUT_FOUR = [0.005] * 36 + [0.02, 0.012, 0.001, 0.0002]  # no overdispersion after winsorising
SPREAD = [0.003 + 0.002 * ((index * 7) % 11) for index in range(40)]  # overdispersed


@pytest.mark.parametrize(
    ("metric_id", "rates", "adjusted"),
    [
        ("stillbirth_rate", AT_TARGET_BUT_FOUR, False),  # exact binomial limits
        ("pph_1500_rate", AT_TARGET_BUT_FOUR, False),  # overdispersion looked for, not found: exact limits
        ("pph_1500_rate", SPREAD, True),  # limits widened for overdispersion
    ],
)
def test_the_funnel_position_is_the_dashboard_funnel_plots(metric_id, rates, adjusted):
    """The report works the trust's place out for the one trust: it is the place the dashboard's
    funnel plot of every trust gives each of them."""
    definition = next(d for d in metric_definitions() if d.id == metric_id)
    births = [2000 + 211 * ((index * 5) % 17) for index in range(40)]
    rows = _rows_of_every_trust(metric_id, rates, births)
    groups = [FunnelGroup(row.org_code, row.numerator, row.denominator) for row in rows]
    estimate = overdispersion_proportions(groups=groups, target=default_target(groups=groups, kind="proportion"))
    assert (estimate.tau2 > 0) == adjusted
    _chart, positions, _missing = trust_funnel(
        rows=rows,
        definition=definition,
        names={row.org_code: row.org_name for row in rows},
        shown={"T00"},
        highlight="T00",
        title=definition.title,
        value_label="Rate",
        numerator_label="Events",
        denominator_label="Births",
    )
    mine = {row.org_code: funnel_position_of(rows, definition=definition, trust_code=row.org_code) for row in rows}
    assert mine == positions
    assert len(set(positions.values())) > 1, "the case puts trusts inside and outside the limits"
    operational = next(d for d in metric_definitions() if d.period_kind == "fortnight")
    assert funnel_position_of(rows, definition=operational, trust_code="T00") is None
