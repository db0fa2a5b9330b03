"""Where "Dashboard" takes each person: the page of their own area (issue 12: a regional or
ICB team landed on England and had to find themselves).

A person whose roles are national (the national programme, the Improvement Support Team, a
national body's reviewers) lands on England's tiles. Everyone else lands on the page of the
widest area they hold a role at: their region, else their ICB, else their trust. Every page
stays open to everyone (aggregates are published statistics, docs/rules/dashboard.md §5): this
only chooses where they start.
"""

from __future__ import annotations

from django.urls import reverse

from perinatal.accounts.scoping import Scope
from perinatal.organisations.models import Organisation

#: The widest area first: a person with a regional and a trust role starts at the region.
AREA_PAGES = (
    (Organisation.Kind.REGION, "dashboard:region"),
    (Organisation.Kind.ICB, "dashboard:icb"),
    (Organisation.Kind.TRUST, "dashboard:trust"),
)
NATIONAL_KINDS = frozenset({Organisation.Kind.ENGLAND, Organisation.Kind.BODY})


def own_dashboard_url(scope: Scope) -> str:
    """The address of the dashboard page this person starts at."""
    organisations = scope.organisations
    if not organisations or any(organisation.kind in NATIONAL_KINDS for organisation in organisations):
        return reverse("dashboard:national")
    for kind, url_name in AREA_PAGES:
        for organisation in organisations:
            if organisation.kind == kind:
                return reverse(url_name, args=[organisation.code])
    return reverse("dashboard:national")
