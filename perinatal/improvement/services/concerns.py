"""Identified concerns and their triage (docs/rules/improvement.md §1, "Entry" and "Triage").

A concern is typed and links its evidence in the platform. The regional or national team
triages it: accept, monitor or decline, with who and why. Accepting opens a case for the
trust, or adds the concern to the trust's open case (**policy**: one open case per trust, so
that its clocks and meetings are one set). The case's ``identified_on`` is its first concern's
day, not the day of triage: the clocks run from it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from perinatal.core import audit
from perinatal.core.formatting import long_date
from perinatal.dashboard.metrics.definitions import METRIC_IDS
from perinatal.improvement.models import Case, Concern, ConcernType, CqcRating, ExitCriteria, TriageDecision
from perinatal.improvement.selectors.cases import latest_triage
from perinatal.improvement.services._common import audited, not_in_future, optional_text, stamp, text
from perinatal.improvement.services.exit import criteria_lines
from perinatal.kernel.refusals import Refused
from perinatal.notifications.models import BodyCase
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import parent_on
from perinatal.surveillance.models import CriticalSafetyCheck, Signal

MNSI = "MNSI"


def _evidence_problem(
    *,
    trust: Organisation,
    concern_type: str,
    signal: Signal | None,
    safety_check: CriticalSafetyCheck | None,
    metric_id: str,
    metric_month: date | None,
    mnsi_case: BodyCase | None,
    cqc_rating: str,
    cqc_warning_notice: bool,
    document: str,
) -> tuple[str, str] | None:
    """The field and message when a concern lacks the evidence its type needs (**policy**):
    a CQC concern its rating or warning notice; a MOSS concern its signal or safety check; a
    dashboard concern its metric and month; an investigation its MNSI case or a document."""
    if signal is not None and signal.trust_id != trust.pk:
        return "signal", "Choose a signal at one of this trust's sites"
    if safety_check is not None and safety_check.trust_id != trust.pk:
        return "safety_check", "Choose a safety check of this trust"
    if concern_type == ConcernType.CQC and not (cqc_rating or cqc_warning_notice):
        return "cqc_rating", "Select the CQC rating, or say that CQC issued a warning notice"
    if concern_type == ConcernType.MOSS and signal is None and safety_check is None:
        return "safety_check", "Choose the MOSS safety check or signal the concern is about"
    if concern_type == ConcernType.DASHBOARD:
        if not metric_id:
            return "metric_id", "Select the dashboard metric that shows the concern"
        if metric_month is None:
            return "metric_month", "Enter the month the metric showed the concern"
    if concern_type == ConcernType.INVESTIGATION and mnsi_case is None and not document:
        return "mnsi_reference", "Enter the MNSI reference, or name the report in the document field"
    return None


def _mnsi_case(trust: Organisation, reference: str) -> BodyCase | None:
    reference = (reference or "").strip()
    if not reference:
        return None
    case = (
        BodyCase.objects.filter(body=MNSI, body_reference__iexact=reference, notification__trust=trust)
        .select_related("notification")
        .first()
    )
    if case is None:
        raise Refused("mnsi_reference", f"{reference} is not the MNSI reference of a notification from this trust")
    return case


@transaction.atomic
def record_concern(
    *,
    trust: Organisation,
    concern_type: str,
    identified_on: date,
    summary: str,
    by,
    signal: Signal | None = None,
    safety_check: CriticalSafetyCheck | None = None,
    metric_id: str = "",
    metric_organisation: Organisation | None = None,
    metric_month: date | None = None,
    mnsi_reference: str = "",
    cqc_rating: str = "",
    cqc_warning_notice: bool = False,
    cqc_published_on: date | None = None,
    document: str = "",
    suggestion_key: str = "",
    by_label: str | None = None,
    request=None,
) -> Concern:
    """Record an identified concern about a trust, with its evidence (not yet triaged)."""
    if trust.kind != Organisation.Kind.TRUST:
        raise Refused("trust", "Choose an NHS trust")
    if concern_type not in ConcernType.values:
        raise Refused("concern_type", "Select the type of concern")
    if identified_on is None:
        raise Refused("identified_on", "Enter the date the concern was identified")
    not_in_future(identified_on, field="identified_on", words="The date the concern was identified")
    summary = text(summary, field="summary", empty="Enter what the concern is", words="The concern")
    metric_id = (metric_id or "").strip()
    if metric_id and metric_id not in METRIC_IDS:
        raise Refused("metric_id", f"{metric_id} is not a dashboard metric")
    if metric_month is not None:
        metric_month = metric_month.replace(day=1)
        not_in_future(metric_month, field="metric_month", words="The month the metric showed the concern")
    if cqc_rating and cqc_rating not in CqcRating.values:
        raise Refused("cqc_rating", "Select the CQC rating")
    not_in_future(cqc_published_on, field="cqc_published_on", words="The date CQC published its report")
    document = optional_text(document, field="document", words="The document", max_length=300)
    mnsi_case = _mnsi_case(trust, mnsi_reference)
    problem = _evidence_problem(
        trust=trust,
        concern_type=concern_type,
        signal=signal,
        safety_check=safety_check,
        metric_id=metric_id,
        metric_month=metric_month,
        mnsi_case=mnsi_case,
        cqc_rating=cqc_rating,
        cqc_warning_notice=cqc_warning_notice,
        document=document,
    )
    if problem is not None:
        raise Refused(*problem)
    concern = Concern.objects.create(
        trust=trust,
        concern_type=concern_type,
        identified_on=identified_on,
        summary=summary,
        signal=signal,
        safety_check=safety_check,
        metric_id=metric_id,
        metric_organisation=(metric_organisation or trust) if metric_id else None,
        metric_month=metric_month if metric_id else None,
        mnsi_case=mnsi_case,
        cqc_rating=cqc_rating,
        cqc_warning_notice=cqc_warning_notice,
        cqc_published_on=cqc_published_on,
        document=document,
        suggestion_key=suggestion_key,
        **stamp(by, by_label),
    )
    audit.record(
        action=audit.Action.CREATE,
        obj=concern,
        organisation=trust,
        summary=f"Improvement concern {concern.pk} ({concern_type}) recorded for {trust.code}",
        request=request,
        actor=by,
    )
    return concern


def open_case_of(trust: Organisation) -> Case | None:
    """The trust's case that has not exited, if any."""
    return Case.objects.filter(trust=trust, exit__isnull=True).order_by("identified_on", "id").first()


def new_case_id(trust: Organisation, identified_on: date) -> str:
    """``IST-<trust>-<YYYYMMDD>``, with ``-2``, ``-3`` … when the trust has one of that day."""
    base = f"IST-{trust.code}-{identified_on:%Y%m%d}"
    taken = set(Case.objects.filter(case_id__startswith=base).values_list("case_id", flat=True))
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


@transaction.atomic
def triage_concern(
    *,
    concern: Concern,
    decision: str,
    reason: str,
    by,
    system_scope: bool = False,
    exit_criteria: str | list[str] | None = None,
    by_label: str | None = None,
    request=None,
) -> TriageDecision:
    """Accept, monitor or decline a concern, with why (docs/rules/improvement.md §1).

    Accepting adds it to the trust's open case or opens one, identified on the concern's day;
    a new case may cover the system (the trust's ICB on that day) and record the exit criteria
    agreed at entry. A concern once accepted is not triaged again.
    """
    concern = Concern.objects.select_for_update().select_related("trust").get(pk=concern.pk)
    if decision not in TriageDecision.Decision.values:
        raise Refused("decision", "Select whether to accept, monitor or decline the concern")
    reason = text(reason, field="reason", empty="Enter why you decided this", words="The reason")
    previous = latest_triage(concern)
    if previous is not None and previous.decision == TriageDecision.Decision.ACCEPT:
        raise Refused("__all__", f"This concern was accepted into case {previous.case.case_id} already")
    case = None
    if decision == TriageDecision.Decision.ACCEPT:
        case = open_case_of(concern.trust)
        if case is None:
            case = _open_case(concern=concern, by=by, by_label=by_label, system_scope=system_scope)
            criteria = criteria_lines(exit_criteria or ())
            if criteria:
                ExitCriteria.objects.create(
                    case=case, number=1, criteria=criteria, agreed_on=concern.identified_on, **stamp(by, by_label)
                )
            audited(
                case=case, action=audit.Action.CREATE, summary=f"opened for {case.trust.code}", by=by, request=request
            )
    triage = TriageDecision.objects.create(
        concern=concern, decision=decision, reason=reason, case=case, **stamp(by, by_label)
    )
    audit.record(
        action=audit.Action.DECIDE,
        obj=concern,
        organisation=concern.trust,
        summary=f"Improvement concern {concern.pk} triaged: {decision}"
        + (f" into case {case.case_id}" if case else ""),
        request=request,
        actor=by,
    )
    return triage


def _open_case(*, concern: Concern, by, by_label: str | None, system_scope: bool) -> Case:
    icb = None
    if system_scope:
        parent = parent_on(concern.trust, concern.identified_on)
        if parent is None or parent.icb is None:
            raise Refused(
                "system_scope",
                f"The register has no ICB for {concern.trust.code} on {long_date(concern.identified_on)}",
            )
        icb = parent.icb
    return Case.objects.create(
        case_id=new_case_id(concern.trust, concern.identified_on),
        trust=concern.trust,
        icb=icb,
        identified_on=concern.identified_on,
        **stamp(by, by_label),
    )
