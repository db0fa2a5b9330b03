"""What the journey's question forms need from the database: the reporting trust's sites, a
site's name by its code, whether a reference exists; and the names of the sites an answer
names. Shared by the journey and by amendments, which ask the same pages."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from perinatal.core import clock
from perinatal.notifications.journey import steps
from perinatal.notifications.services.documents import linkable_notification
from perinatal.organisations.models import Organisation, Site
from perinatal.organisations.selectors import sites_of


def _site_lookup(code: str) -> str | None:
    site = Site.objects.filter(code=code).first()
    return site.name if site else None


def form_context(trust: Organisation) -> dict:
    def reference_exists(reference: str, mother_nhs_number: str | None = None) -> bool:
        # The trust's own notifications, or another trust's about the same mother (a mother's
        # and her baby's may come from different trusts): services.documents.linkable_notification.
        return linkable_notification(reference, trust_code=trust.code, mother_nhs_number=mother_nhs_number) is not None

    return {
        "sites": list(sites_of(trust, clock.today()).order_by("code")),
        "site_lookup": _site_lookup,
        "reference_exists": reference_exists,
        "trust": trust,
    }


def site_names(answers: Mapping[str, Any]) -> dict[str, str]:
    codes = {steps.get_path(answers, f"{place}.site") for place in ("place_of_birth", "place_of_death")}
    codes.discard(None)
    return dict(Site.objects.filter(code__in=codes).values_list("code", "name"))
