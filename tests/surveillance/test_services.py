"""MOSS in the platform: counts from the births data, runs, signals, safety checks, contacts told."""

from datetime import date

import pytest
from django.core import mail

from perinatal.accounts.models import User
from perinatal.core.models import AppendOnlyError, AuditEvent
from perinatal.core.notify import Message, NotifierError
from perinatal.organisations.models import Site
from perinatal.stats.months import YearMonth
from perinatal.surveillance.calculation import SiteMonthCounts
from perinatal.surveillance.models import (
    ContactNotice,
    CriticalSafetyCheck,
    MossRun,
    SafetyCheckFinding,
    SafetyCheckStatusRecord,
    Signal,
    SignalStatusRecord,
    SiteMonthResult,
)
from perinatal.surveillance.selectors.births import daily_term_events, term_monthly_counts
from perinatal.surveillance.selectors.national_summary import site_signal_summaries
from perinatal.surveillance.selectors.runs import latest_results_run, latest_run
from perinatal.surveillance.selectors.safety_checks import latest_findings
from perinatal.surveillance.services.runs import record_moss_run
from perinatal.surveillance.services.safety_checks import (
    SafetyCheckRefused,
    add_action,
    assign_owner,
    complete_check,
    record_finding,
)
from tests.surveillance.platform import (
    SITE_A,
    SITE_B,
    WORKED_COUNTS,
    WORKED_DUE,
    WORKED_NOW,
    BirthsBuilder,
    clear_births_and_signals,
    worked_example,
)
from tests.surveillance.vectors import load_vectors

pytestmark = pytest.mark.django_db

EXAMPLE = load_vectors("moss")["worked_example"]


@pytest.fixture
def now(settings):
    settings.PERINATAL_NOW = WORKED_NOW
    settings.SURVEILLANCE_NOTIFIER = "email"
    return settings


def _run():
    return record_moss_run(trigger=MossRun.Trigger.COMMAND)


# --- counting the births data (docs/rules/surveillance.md §1.1) -------------------------------


def test_monthly_counts_follow_the_definition_at_every_boundary():
    clear_births_and_signals()
    builder = BirthsBuilder()
    day = date(2025, 3, 10)
    builder.add(site=SITE_A, born_on=day)  # a term live birth: a birth, not an event
    builder.add(site=SITE_A, born_on=day, gestation_days=259, outcome="stillbirth")  # 37+0: term
    builder.add(site=SITE_A, born_on=day, gestation_days=258, outcome="stillbirth")  # 36+6: not term
    builder.add(site=SITE_A, born_on=day, gestation_days=None, outcome="stillbirth")  # unknown: not term
    builder.add(site=SITE_A, born_on=day, outcome="stillbirth", termination=True)  # termination: excluded
    builder.add(site=SITE_A, born_on=day, termination=True)  # a term termination is not a term birth
    builder.add(site=SITE_A, born_on=day, death_day=0)  # neonatal death on the day of birth
    builder.add(site=SITE_A, born_on=day, death_day=27)  # last day of the neonatal period
    builder.add(site=SITE_A, born_on=day, death_day=28)  # 28 days: a birth, not a neonatal death
    builder.add(site=SITE_A, born_on=date(2025, 3, 31), death_day=5)  # dies in April: counts in March
    builder.add(site=SITE_A, born_on=date(2025, 4, 1))
    builder.add(site=SITE_B, born_on=day, outcome="stillbirth")
    builder.save()
    counts = {(row.site_code, str(row.month)): row for row in term_monthly_counts()}
    assert counts[(SITE_A, "2025-03")] == SiteMonthCounts(
        SITE_A, YearMonth(2025, 3), term_births=6, term_stillbirths=1, term_neonatal_deaths=3
    )
    assert counts[(SITE_A, "2025-04")] == SiteMonthCounts(SITE_A, YearMonth(2025, 4), 1, 0, 0)
    assert counts[(SITE_B, "2025-03")].events == 1
    assert len(counts) == 3


def test_daily_events_count_each_kind_by_day_of_birth():
    clear_births_and_signals()
    builder = BirthsBuilder()
    builder.add(site=SITE_A, born_on=date(2025, 3, 10), outcome="stillbirth")
    builder.add(site=SITE_A, born_on=date(2025, 3, 10), death_day=2)
    builder.add(site=SITE_A, born_on=date(2025, 3, 11))
    builder.add(site=SITE_A, born_on=date(2025, 4, 1), outcome="stillbirth")
    builder.save()
    site = Site.objects.get(code=SITE_A)
    days = daily_term_events(site=site, first=date(2025, 3, 1), last=date(2025, 3, 31))
    assert list(days) == [date(2025, 3, 10)]
    assert (days[date(2025, 3, 10)].stillbirths, days[date(2025, 3, 10)].neonatal_deaths) == (1, 1)


# --- a run (docs/rules/surveillance.md §1.2–1.4) ------------------------------------------------


def test_the_worked_example_through_the_platform(now):
    worked_example()
    outcome = _run()
    run = outcome.run
    assert run.results_stored and run.method == "nhse-2026-04" and run.reference == "national"
    assert run.latest_month == date(2025, 6, 1) and run.seen_on == date(2025, 7, 10)
    rows = SiteMonthResult.objects.filter(run=run, site__code=SITE_A).order_by("month")
    assert [row.events for row in rows] == EXAMPLE["counts"] == list(WORKED_COUNTS)
    assert [row.cusum for row in rows] == EXAMPLE["cusum"]
    assert [row.level for row in rows] == EXAMPLE["level"]
    assert [row.reset for row in rows] == EXAMPLE["reset"]
    first = rows[0]
    assert (first.expected, first.k, first.h1, first.h2) == (
        EXAMPLE["ic_mean"],
        EXAMPLE["k"],
        EXAMPLE["h1"],
        EXAMPLE["h2"],
    )
    assert first.denominator == EXAMPLE["denominator"] and first.reference_rate == EXAMPLE["reference_rate"]
    assert first.trust.code == "R0A" and first.method == "nhse-2026-04"
    # 2024 has no denominator (no 2023 births): reported, not monitored.
    assert {(s["site_code"], s["year"], s["reason"]) for s in run.skipped} == {
        (SITE_A, 2024, "no_denominator"),
        (SITE_B, 2024, "no_denominator"),
    }


def test_a_new_signal_opens_one_check_per_site_due_on_the_8th_working_day(now):
    worked_example()
    outcome = _run()
    signals = Signal.objects.filter(site__code=SITE_A).order_by("month", "level")
    assert [(s.month, s.level) for s in signals] == [
        (date(2025, 2, 1), 1),
        (date(2025, 3, 1), 1),
        (date(2025, 4, 1), 2),
        (date(2025, 5, 1), 1),
    ]
    assert all(s.status == "active" and s.method == "nhse-2026-04" and not s.historical for s in signals)
    (check,) = outcome.checks_opened
    assert check.site.code == SITE_A and check.trust.code == "R0A"
    assert check.opened_on == date(2025, 7, 10) and check.due_on == WORKED_DUE
    assert set(check.signals.all()) == set(signals)
    assert not Signal.objects.filter(site__code=SITE_B).exists()
    assert list(check.status_records.values_list("status", "actor_label")) == [("open", f"MOSS run {outcome.run.pk}")]
    assert outcome.run.new_signals == 4 and outcome.run.checks_opened == 1


def test_a_signal_keeps_the_data_it_was_computed_from(now):
    worked_example()
    run = _run().run
    april = Signal.objects.get(site__code=SITE_A, month=date(2025, 4, 1), level=2)
    evidence = april.evidence
    assert evidence["method"] == "nhse-2026-04" and evidence["run"] == run.pk
    assert evidence["data_fingerprint"] == run.data_fingerprint
    assert evidence["reference_rate"] == 0.002 and evidence["denominator"] == EXAMPLE["denominator"]
    assert [row["month"] for row in evidence["rows"]] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    assert evidence["rows"][-1] == {
        "month": "2025-04",
        "events": 3,
        "expected": 0.42,
        "k": 0.6,
        "h1": 1.6,
        "h2": 3.4,
        "cusum": 4.6,
        "level": 2,
        "reset": 0,
    }


def test_the_trust_contacts_are_told_the_same_day(now):
    worked_example()
    outcome = _run()
    (notice,) = outcome.notices
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.backend == "email" and notice.attempts == 1
    assert notice.recipients == ["maternity.safety@perinatal.example", "hom.r0a@perinatal.example"]
    (message,) = mail.outbox
    assert set(message.to) == set(notice.recipients)
    assert SITE_A in message.subject and "22 July 2025" in message.subject
    assert (
        "not a verdict of unsafe care" in message.body and f"/signals/checks/{notice.safety_check_id}/" in message.body
    )
    assert "April 2025: level 2" in message.body


def test_an_unchanged_run_changes_nothing(now):
    worked_example()
    first = _run().run
    second = _run()
    assert not second.run.results_stored and second.run.data_fingerprint == first.data_fingerprint
    assert not second.new_signals and not SiteMonthResult.objects.filter(run=second.run).exists()
    assert Signal.objects.count() == 4 and CriticalSafetyCheck.objects.count() == 1 and len(mail.outbox) == 1
    assert latest_results_run() == first and latest_run() == second.run


def test_revised_data_withdraws_signals_and_a_new_one_joins_the_open_check(now):
    worked_example()
    first = _run()
    (check,) = first.checks_opened
    # The April deaths are corrected away: counts become 2, 1, 1, 0, 3, 0.
    from perinatal.dashboard.models import BirthRecord

    BirthRecord.objects.filter(site__code=SITE_A, born_on__year=2025, born_on__month=4).delete()
    second = _run()
    assert second.run.results_stored and not second.checks_opened
    statuses = {(s.month.month, s.level): s.status for s in Signal.objects.filter(site__code=SITE_A)}
    assert statuses == {(2, 1): "active", (3, 1): "active", (4, 2): "withdrawn", (5, 1): "withdrawn", (5, 2): "active"}
    may = Signal.objects.get(site__code=SITE_A, month=date(2025, 5, 1), level=2)
    assert may.safety_check == check and may.first_seen_run == second.run
    withdrawn = Signal.objects.get(site__code=SITE_A, month=date(2025, 4, 1))
    assert withdrawn.safety_check == check  # kept, never deleted; the check stays open
    assert list(withdrawn.status_records.values_list("status", flat=True)) == ["active", "withdrawn"]
    check.refresh_from_db()
    assert check.is_open and second.run.withdrawn_signals == 2
    assert len(mail.outbox) == 2 and "added to the site's open critical safety check" in mail.outbox[1].body
    # The data is restored: the April signal is seen again, without a second check.
    worked_example_again = BirthsBuilder()
    worked_example_again.month(site=SITE_A, year=2025, month=4, births=3, stillbirths=3)
    worked_example_again.save()
    third = _run()
    withdrawn.refresh_from_db()
    assert withdrawn.status == "active" and not third.checks_opened
    assert list(withdrawn.status_records.values_list("note", flat=True))[-1] == "seen again after a data revision"


def test_old_signals_are_history_and_open_no_check(settings):
    """Data up to December 2025: R0A01's signals of February–May are outside the last 6 months."""
    settings.PERINATAL_NOW = "2026-01-12T09:00"
    worked_example(extra_months={(SITE_B, 2025, month): 1 for month in range(7, 13)})
    outcome = _run()
    a_signals = Signal.objects.filter(site__code=SITE_A)
    assert a_signals.count() == 4 and all(s.historical and s.safety_check is None for s in a_signals)
    b_signals = Signal.objects.filter(site__code=SITE_B).order_by("month")
    assert [(s.month.month, s.level) for s in b_signals] == [(9, 1), (10, 1), (11, 1), (12, 1)]
    (check,) = outcome.checks_opened
    assert check.site.code == SITE_B and check.trust.code == "RRK" and check.due_on == date(2026, 1, 22)
    assert {row.trust.code for row in SiteMonthResult.objects.filter(run=outcome.run)} == {"R0A", "RRK"}


def test_summaries_count_signals_in_the_last_6_and_12_months(settings):
    settings.PERINATAL_NOW = "2026-01-12T09:00"
    worked_example(extra_months={(SITE_B, 2025, month): 1 for month in range(7, 13)})
    run = _run().run
    summaries = {s.site.code: s for s in site_signal_summaries(run)}
    a, b = summaries[SITE_A], summaries[SITE_B]
    assert (b.latest_level, b.level1_months_6, b.level2_months_6, b.level1_months_12) == (1, 4, 0, 4)
    assert (a.latest_level, a.level1_months_6, a.level1_months_12, a.level2_months_12) == (0, 0, 3, 1)
    assert [s.site.code for s in site_signal_summaries(run)][0] == SITE_B


def test_a_run_is_audited(now):
    worked_example()
    run = _run().run
    assert AuditEvent.objects.filter(object_type="surveillance.MossRun", object_id=str(run.pk)).exists()
    assert AuditEvent.objects.filter(object_type="surveillance.CriticalSafetyCheck", action="create").exists()


# --- contacts: failures are kept and retried ---------------------------------------------------------


class FailingNotifier:
    name = "failing"

    def send(self, message: Message) -> None:
        raise NotifierError("the mail server refused")


class RecordingNotifier:
    name = "recording"
    sent: list[Message] = []

    def send(self, message: Message) -> None:
        RecordingNotifier.sent.append(message)


def test_a_failed_notice_is_kept_and_sent_by_the_next_run(now):
    now.SURVEILLANCE_NOTIFIER = "tests.surveillance.test_services.FailingNotifier"
    worked_example()
    (notice,) = _run().notices
    notice.refresh_from_db()
    assert notice.status == "failed" and notice.last_error == "the mail server refused" and notice.attempts == 1
    now.SURVEILLANCE_NOTIFIER = "tests.surveillance.test_services.RecordingNotifier"
    RecordingNotifier.sent = []
    _run()  # unchanged data: only the notice is retried
    notice.refresh_from_db()
    assert notice.status == "sent" and notice.attempts == 2 and len(RecordingNotifier.sent) == 1
    assert RecordingNotifier.sent[0].reference == f"csc-{notice.safety_check_id}-notice-{notice.pk}"


def test_a_trust_with_no_contact_is_a_failed_notice(now):
    from perinatal.accounts.models import Membership
    from perinatal.organisations.models import AccountDetails

    AccountDetails.objects.filter(trust__code="R0A").update(email="")
    Membership.objects.filter(organisation__code="R0A", role="local_authoriser").update(revoked_at="2025-01-01T00:00Z")
    worked_example()
    (notice,) = _run().notices
    notice.refresh_from_db()
    assert notice.status == "failed" and "no account details email" in notice.last_error and not mail.outbox


# --- the safety-check workflow -----------------------------------------------------------------------


@pytest.fixture
def check(now):
    worked_example()
    return _run().checks_opened[0]


@pytest.fixture
def hom():
    return User.objects.get(email="hom.r0a@perinatal.example")


def test_owner_must_be_a_leader_of_the_trust(check, hom):
    board = User.objects.get(email="board.r0a@perinatal.example")
    assign_owner(check=check, owner=board, by=hom)
    check.refresh_from_db()
    assert check.owner == board
    with pytest.raises(SafetyCheckRefused) as refused:
        assign_owner(check=check, owner=User.objects.get(email="hom.rrk@perinatal.example"), by=hom)
    assert refused.value.field == "owner"
    with pytest.raises(SafetyCheckRefused):
        assign_owner(check=check, owner=User.objects.get(email="midwife.r0a@perinatal.example"), by=hom)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"area": "cases", "findings": "  "}, "findings"),
        ({"area": "nonsense", "findings": "Text"}, "area"),
    ],
)
def test_findings_are_refused_with_the_field_named(check, hom, kwargs, field):
    with pytest.raises(SafetyCheckRefused) as refused:
        record_finding(check=check, by=hom, **kwargs)
    assert refused.value.field == field and not SafetyCheckFinding.objects.exists()


def test_a_newer_finding_supersedes_and_history_is_kept(check, hom):
    record_finding(check=check, area="cases", findings="First look", by=hom)
    record_finding(check=check, area="cases", findings="After the case reviews", by=hom)
    assert latest_findings(check)["cases"].findings == "After the case reviews"
    assert check.findings.count() == 2
    finding = check.findings.first()
    finding.findings = "rewritten"
    with pytest.raises(AppendOnlyError):
        finding.save()


@pytest.mark.parametrize(
    "description, owner, due_on, field",
    [
        ("", "Labour ward manager", date(2025, 8, 1), "description"),
        ("Review CTG training", " ", date(2025, 8, 1), "owner"),
        ("Review CTG training", "Labour ward manager", date(2025, 7, 9), "due_on"),
    ],
)
def test_actions_are_refused_with_the_field_named(check, hom, description, owner, due_on, field):
    with pytest.raises(SafetyCheckRefused) as refused:
        add_action(check=check, description=description, owner=owner, due_on=due_on, by=hom)
    assert refused.value.field == field and not check.actions.exists()


def _all_findings(check, hom):
    for area in ("cases", "staffing", "escalation", "intrapartum_monitoring", "learning"):
        record_finding(check=check, area=area, findings=f"Reviewed {area}", by=hom)


def test_completion_needs_every_area_and_a_summary(check, hom):
    record_finding(check=check, area="cases", findings="Reviewed", by=hom)
    with pytest.raises(SafetyCheckRefused) as refused:
        complete_check(check=check, summary="Done", by=hom)
    assert "staffing, escalation, intrapartum monitoring, learning" in str(refused.value)
    _all_findings(check, hom)
    with pytest.raises(SafetyCheckRefused) as refused:
        complete_check(check=check, summary=" ", by=hom)
    assert refused.value.field == "summary"
    done = complete_check(check=check, summary="No common cause; actions agreed", by=hom)
    assert done.status == "completed" and done.completed_by == hom and not done.was_completed_late()
    assert list(done.status_records.values_list("status", "note")) == [
        ("open", "opened by a new signal"),
        ("completed", "completed by its due date"),
    ]
    with pytest.raises(SafetyCheckRefused):
        record_finding(check=done, area="cases", findings="Too late", by=hom)
    assert AuditEvent.objects.filter(
        object_type="surveillance.CriticalSafetyCheck", object_id=str(done.pk), action="decide"
    ).exists()


def test_a_check_completed_after_its_due_date_says_so(check, hom, settings):
    _all_findings(check, hom)
    settings.PERINATAL_NOW = "2025-07-23T09:00"
    assert check.is_overdue_on(date(2025, 7, 23)) and not check.is_overdue_on(WORKED_DUE)
    done = complete_check(check=check, summary="Late but done", by=hom)
    assert done.was_completed_late()
    assert (
        SafetyCheckStatusRecord.objects.filter(safety_check=done, status="completed").get().note
        == "completed after its due date"
    )


def test_a_new_signal_after_completion_opens_a_new_check(check, hom, settings):
    _all_findings(check, hom)
    complete_check(check=check, summary="Reviewed", by=hom)
    settings.PERINATAL_NOW = "2025-08-11T09:00"
    builder = BirthsBuilder()
    builder.month(site=SITE_A, year=2025, month=7, births=4, stillbirths=4)
    builder.save()
    outcome = _run()
    (new_check,) = outcome.checks_opened
    assert new_check != check and new_check.site.code == SITE_A and new_check.opened_on == date(2025, 8, 11)
    assert CriticalSafetyCheck.objects.filter(site__code=SITE_A, status="open").count() == 1
    assert SignalStatusRecord.objects.filter(signal__safety_check=new_check).exists()
    assert ContactNotice.objects.filter(safety_check=new_check).count() == 1
