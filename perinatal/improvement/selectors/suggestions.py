"""Concerns the platform suggests for the regional team to triage (docs/rules/improvement.md §1,
"Triage"): it never opens a case by itself.

- a site's MOSS critical safety check is overdue (open after its due date);
- a site signals again within 12 months (a new signal opens a safety check at a site where
  another was opened in the 12 months before);
- a dashboard headline metric's latest point shows special cause in the adverse direction (the
  SPC chart of the trust's series, as the dashboard draws it).

Each suggestion has a key that names what it is about, kept on the concern recorded from it,
so a suggestion triaged once is not suggested again. A trust on a case that has not exited is
still suggested: the concern is added to its case when accepted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from perinatal.accounts.scoping import MANAGE_IMPROVEMENT_CASES, Scope
from perinatal.core.formatting import long_date
from perinatal.dashboard.engine import default_stillbirth_denominator
from perinatal.dashboard.metrics.definitions import metric_definitions
from perinatal.dashboard.metrics.rows import LEVEL_TRUST
from perinatal.dashboard.pages.series import MetricSeries, series_rows, spc_of
from perinatal.dashboard.selectors import births, metric_rows, organisations
from perinatal.improvement.models import Concern, ConcernType
from perinatal.organisations.models import Organisation
from perinatal.organisations.selectors import parent_on, trusts_in
from perinatal.stats.spc import POINT_CONCERN
from perinatal.surveillance.models import CriticalSafetyCheck

#: docs/rules/improvement.md §1: "a site signalling again within 12 months".
REPEAT_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Suggestion:
    key: str
    trust: Organisation
    concern_type: str
    identified_on: date
    summary: str
    evidence: dict = field(default_factory=dict)  # record_concern's evidence arguments


def _overdue_checks(trust_ids, today: date) -> list[Suggestion]:
    checks = CriticalSafetyCheck.objects.filter(status=CriticalSafetyCheck.Status.OPEN, due_on__lt=today)
    if trust_ids is not None:
        checks = checks.filter(trust_id__in=trust_ids)
    return [
        Suggestion(
            key=f"overdue_safety_check:{check.pk}",
            trust=check.trust,
            concern_type=ConcernType.MOSS,
            identified_on=check.due_on + timedelta(days=1),  # the first day it was overdue
            summary=(
                f"The critical safety check {check.reference} at {check.site.name} ({check.site.code}) "
                f"was due on {long_date(check.due_on)} and is not completed."
            ),
            evidence={"safety_check": check},
        )
        for check in checks.select_related("trust", "site").order_by("due_on", "id")
    ]


def _repeat_signals(trust_ids, today: date) -> list[Suggestion]:
    """A site signalling again: a safety check opened (a new signal, not one joining the site's
    open check) at a site where another was opened in the 12 months before it. Continuing
    signals join the open check, so they are one episode, not a repeat."""
    checks = CriticalSafetyCheck.objects.all()
    if trust_ids is not None:
        checks = checks.filter(trust_id__in=trust_ids)
    checks = list(checks.select_related("trust", "site").order_by("site_id", "opened_on", "id"))
    window = timedelta(days=REPEAT_WINDOW_DAYS)
    suggestions = []
    for check in checks:
        if check.opened_on < today - window:
            continue
        earlier = [
            other
            for other in checks
            if other.site_id == check.site_id
            and other.pk != check.pk
            and check.opened_on - window <= other.opened_on <= check.opened_on
            and (other.opened_on, other.pk) < (check.opened_on, check.pk)
        ]
        if not earlier:
            continue
        previous = earlier[-1]
        first_signal = check.signals.order_by("month", "level").first()
        suggestions.append(
            Suggestion(
                key=f"repeat_signal:{check.pk}",
                trust=check.trust,
                concern_type=ConcernType.MOSS,
                identified_on=check.opened_on,
                summary=(
                    f"{check.site.name} ({check.site.code}) signalled again on {long_date(check.opened_on)}, "
                    f"{(check.opened_on - previous.opened_on).days} days after the signal that opened "
                    f"{previous.reference}."
                ),
                evidence={"safety_check": check, "signal": first_signal},
            )
        )
    return suggestions


def _adverse_special_causes(trusts: list[Organisation], today: date) -> list[Suggestion]:
    """The headline metrics whose latest point is a concern on the trust's SPC chart."""
    # Read through the dashboard's own series and SPC rules, so a suggestion says what the
    # trust's dashboard page shows.
    span = births.data_span()
    if span is None or not trusts:
        return []
    denominator = default_stillbirth_denominator()
    orgs = organisations.organisation_map()
    definitions = [
        definition
        for definition in metric_definitions(stillbirth_denominator=denominator)
        if not definition.is_sub_measure
    ]
    suggestions = []
    for trust in trusts:
        rows = metric_rows.organisation_rows(
            level=LEVEL_TRUST, code=trust.code, span=span, stillbirth_denominator=denominator, orgs=orgs
        )
        for definition in definitions:
            chart = spc_of(MetricSeries(definition, series_rows(rows, definition=definition), frozenset()))
            if chart is None or not chart.points or chart.points[-1].point_type != POINT_CONCERN:
                continue
            point = chart.points[-1]
            suggestions.append(
                Suggestion(
                    key=f"special_cause:{trust.code}:{definition.id}:{point.date.isoformat()}",
                    trust=trust,
                    concern_type=ConcernType.DASHBOARD,
                    identified_on=min(span.as_of, today),
                    summary=(
                        f"{definition.title} shows special cause variation of concern "
                        f"(latest point {long_date(point.date)})."
                    ),
                    evidence={"metric_id": definition.id, "metric_month": point.date.replace(day=1)},
                )
            )
    return suggestions


def suggested_concerns(
    scope: Scope, *, today: date, metrics: bool = True, region: Organisation | None = None
) -> list[Suggestion]:
    """What the platform suggests for the trusts the person triages for, not yet recorded as
    concerns, optionally in one region.

    The dashboard's suggestions need each trust's series from the metric engine: they are
    looked for in one region at a time (a regional team's own, or the region a national user
    chooses), never across England on one page.
    """
    trust_ids = scope.trust_ids(MANAGE_IMPROVEMENT_CASES)
    if region is not None:
        in_region = set(trusts_in(region, today).values_list("pk", flat=True))
        trust_ids = frozenset(in_region if trust_ids is None else in_region & trust_ids)
    if trust_ids is not None and not trust_ids:
        return []
    suggestions = _overdue_checks(trust_ids, today) + _repeat_signals(trust_ids, today)
    if metrics and trust_ids is not None:
        trusts = list(Organisation.objects.filter(pk__in=trust_ids, provides_births=True).order_by("code"))
        suggestions += _adverse_special_causes(trusts, today)
    recorded = set(
        Concern.objects.filter(suggestion_key__in=[s.key for s in suggestions]).values_list("suggestion_key", flat=True)
    )
    return [suggestion for suggestion in suggestions if suggestion.key not in recorded]


def suggestion_by_key(scope: Scope, key: str, *, today: date) -> Suggestion | None:
    """The suggestion with this key, if it is still suggested to the person."""
    region = None
    if key.startswith("special_cause:"):
        trust = Organisation.objects.filter(code=key.split(":")[1], kind=Organisation.Kind.TRUST).first()
        if trust is None:
            return None
        region = _region_of(trust, today)
        if region is None:
            return None
    return next((s for s in suggested_concerns(scope, today=today, region=region) if s.key == key), None)


def _region_of(trust: Organisation, day: date) -> Organisation | None:
    parent = parent_on(trust, day)
    return parent.region if parent is not None else None
