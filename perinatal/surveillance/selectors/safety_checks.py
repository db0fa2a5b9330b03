"""Signals and critical safety checks, with their findings and actions: record-level, scoped.

The pages read checks through the user's ``Scope`` (``checks_visible_to``); the services
read a site's open check and an action's latest update without one.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Prefetch, QuerySet

from perinatal.accounts.scoping import Scope
from perinatal.organisations.models import Site
from perinatal.stats.moss_design import METHOD
from perinatal.surveillance.models import CriticalSafetyCheck, SafetyCheckAction, SafetyCheckActionUpdate, Signal


def signals_for_site(site: Site) -> QuerySet[Signal]:
    return Signal.objects.filter(site=site, method=METHOD).select_related("safety_check").order_by("-month", "-level")


def checks_visible_to(scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    """Safety checks the user may read: the trust's own, its ICB's, its region's, or all nationally."""
    return scope.restrict(CriticalSafetyCheck.objects.select_related("site", "trust", "owner"), trust_field="trust")


def filter_checks(queryset: QuerySet[CriticalSafetyCheck], wanted, *, today: date) -> QuerySet[CriticalSafetyCheck]:
    """The checks that match ``wanted`` (a ``filters.CheckFilter``): overdue is open and past its
    due date (the due date itself is still in time, ``CriticalSafetyCheck.is_overdue_on``)."""
    open_ = CriticalSafetyCheck.Status.OPEN
    if wanted.status == "overdue":
        queryset = queryset.filter(status=open_, due_on__lt=today)
    elif wanted.status == "due":
        queryset = queryset.filter(status=open_, due_on__gte=today)
    elif wanted.status == "completed":
        queryset = queryset.filter(status=CriticalSafetyCheck.Status.COMPLETED)
    if wanted.trust:
        queryset = queryset.filter(trust__code=wanted.trust)
    if wanted.site:
        queryset = queryset.filter(site__code=wanted.site)
    if wanted.opened_from:
        queryset = queryset.filter(opened_on__gte=wanted.opened_from)
    if wanted.opened_to:
        queryset = queryset.filter(opened_on__lte=wanted.opened_to)
    return queryset


def check_places(queryset: QuerySet[CriticalSafetyCheck]) -> tuple[dict[str, str], dict[str, str]]:
    """The trusts and the sites of these checks, code -> name, by name: what the list's filters offer."""
    trusts: dict[str, str] = {}
    sites: dict[str, str] = {}
    for check in queryset.select_related("site", "trust"):
        trusts[check.trust.code] = f"{check.trust.display_name} ({check.trust.code})"
        sites[check.site.code] = f"{check.site.name} ({check.site.code})"
    return (
        dict(sorted(trusts.items(), key=lambda item: item[1])),
        dict(sorted(sites.items(), key=lambda item: item[1])),
    )


def open_checks_visible_to(scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    return checks_visible_to(scope).filter(status=CriticalSafetyCheck.Status.OPEN).order_by("due_on", "id")


def open_check_for_site(site: Site) -> CriticalSafetyCheck | None:
    return CriticalSafetyCheck.objects.filter(site=site, status=CriticalSafetyCheck.Status.OPEN).first()


def checks_for_site(*, site: Site, scope: Scope) -> QuerySet[CriticalSafetyCheck]:
    return checks_visible_to(scope).filter(site=site).order_by("-opened_at")


def latest_findings(check: CriticalSafetyCheck) -> dict[str, object]:
    """area -> its latest finding (a newer row supersedes an older one)."""
    latest: dict[str, object] = {}
    for finding in check.findings.select_related("recorded_by").order_by("recorded_at", "id"):
        latest[finding.area] = finding
    return latest


def latest_action_update(action: SafetyCheckAction) -> SafetyCheckActionUpdate | None:
    """The action's current status is its latest update's (an action with none is open)."""
    return action.updates.order_by("-at", "-id").first()


def actions_with_updates(check: CriticalSafetyCheck) -> list[SafetyCheckAction]:
    """The check's actions in the order they were added, each with ``updates`` oldest first (two queries)."""
    updates = Prefetch("updates", queryset=SafetyCheckActionUpdate.objects.select_related("actor").order_by("at", "id"))
    return list(check.actions.select_related("recorded_by").prefetch_related(updates).order_by("recorded_at", "id"))


def actions_of_checks(check_ids) -> dict[int, list[SafetyCheckAction]]:
    """check id -> its actions with ``updates`` prefetched, for a list of checks in two queries."""
    updates = Prefetch("updates", queryset=SafetyCheckActionUpdate.objects.order_by("at", "id"))
    by_check: dict[int, list[SafetyCheckAction]] = defaultdict(list)
    for action in (
        SafetyCheckAction.objects.filter(safety_check_id__in=list(check_ids))
        .prefetch_related(updates)
        .order_by("recorded_at", "id")
    ):
        by_check[action.safety_check_id].append(action)
    return by_check


def is_done(action: SafetyCheckAction) -> bool:
    """Done when the latest update says so (reads prefetched ``updates`` when present)."""
    updates = list(action.updates.all())
    latest = max(updates, key=lambda update: (update.at, update.id), default=None)
    return latest is not None and latest.status == SafetyCheckActionUpdate.Status.DONE


def open_actions(check: CriticalSafetyCheck) -> list[SafetyCheckAction]:
    return [action for action in actions_with_updates(check) if not is_done(action)]


def checks_of_trust(trust, *, opened_on_or_before) -> QuerySet[CriticalSafetyCheck]:
    """A trust's checks opened on or before a day, oldest first: its board report lists them
    (docs/rules/board_report.md §1.3; the report is the trust's own, read by those who may)."""
    return (
        CriticalSafetyCheck.objects.filter(trust=trust, opened_on__lte=opened_on_or_before)
        .select_related("site")
        .order_by("opened_on", "id")
    )
