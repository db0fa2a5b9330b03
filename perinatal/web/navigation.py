"""The header menu, by role: each person sees the parts of the service they can use."""

from __future__ import annotations

from django.urls import reverse

from perinatal.accounts.roles import Role
from perinatal.accounts.scoping import (
    READ_APPROVED_BOARD_REPORTS,
    READ_EQUITY_PROGRAMME,
    READ_IMPROVEMENT_CASES,
    scope_for,
)
from perinatal.accounts.signed_in import is_signed_in
from perinatal.dashboard.pages.landing import own_dashboard_url

MENU_ITEMS_SHOWN = 7
"""The items the header shows in one row at desktop width; more would hide some under "More"."""


def items_for(request) -> list[dict]:
    if not is_signed_in(request):
        return []

    scope = scope_for(request)
    path = request.path
    items = [("Home", reverse("web:home"))]
    if scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN):
        items.append(("Access requests", reverse("accounts:access_requests")))
    if scope.has_role(Role.REPORTER, Role.LOCAL_AUTHORISER):
        items.append(("Notify an event", reverse("journey:start")))
    if scope.has_role(Role.REPORTER, Role.LOCAL_AUTHORISER, Role.TRUST_VIEWER):
        items.append(("Notifications", reverse("notifications:list")))
    if scope.has_role(Role.NATIONAL_REVIEWER):
        items.append(("Inbox", reverse("notifications:inbox")))
    if scope.has_role(Role.SYSTEM_ADMIN):
        items.append(("API tokens", reverse("notifications:api_tokens")))
    # Each person's own area: their region's, ICB's or trust's page, England for national roles.
    dashboard = own_dashboard_url(scope)
    items.append(("Dashboard", dashboard))
    items.append(("Outcome signals", reverse("surveillance:overview")))
    # The onboarding schedule and the organisation register are reached from the home page
    # and the footer: a shorter menu keeps every item visible without the "More" toggle.
    if scope.has_role(Role.LOCAL_AUTHORISER, Role.SYSTEM_ADMIN):
        items.append(("Audit trail", reverse("web:audit")))
    # Improvement support, the equity programme and board reports join the menu after the
    # outcome signals where there is room; a Head of Midwifery's menu is full, and their home
    # page leads to all three.
    optional = []
    if scope.has_role(*READ_EQUITY_PROGRAMME):
        optional.append(("Equity programme", reverse("equity_programme:overview")))
    if scope.has_role(*READ_IMPROVEMENT_CASES):
        optional.append(("Improvement support", reverse("improvement:cases")))
    if scope.has_role(*READ_APPROVED_BOARD_REPORTS):
        optional.append(("Board reports", reverse("reports:list")))
    at = next(i for i, (text, _href) in enumerate(items) if text == "Outcome signals") + 1
    for item in optional[: max(0, MENU_ITEMS_SHOWN - len(items))]:
        items.insert(at, item)
        at += 1
    if path.startswith("/notifications/drafts/"):
        path = reverse("journey:start")  # a draft's pages belong to "Notify an event"
    # One current item: the longest menu address the page is under (/notifications/new/ is
    # "Notify an event", not also "Notifications").
    matches = [href for _text, href in items if path == href or (href != "/" and path.startswith(href))]
    if path.startswith(reverse("dashboard:national")):
        matches.append(dashboard)  # every dashboard page is under "Dashboard", whichever page it starts at
    current = max(matches, key=len, default=None)
    return [{"text": text, "href": href, "current": href == current} for text, href in items]
