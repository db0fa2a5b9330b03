"""Notified term deaths beside a site's chart (docs/rules/surveillance.md §1.1): a neonatal death
is at 0–27 completed days, counted on real instants (docs/rules/routing.md §1), so the clocks
going back in October never move the 28-day boundary.

A baby born at 12:00 BST on Saturday 25 October 2025 (11:00 UTC) is 28 days old at 11:00 GMT
on Saturday 22 November: the clocks went back an hour in between, so on the wall clock only
27 days and 23 hours have gone by at that moment.
"""

from datetime import date

import pytest

from perinatal.accounts.models import User
from perinatal.accounts.scoping import Scope
from perinatal.kernel.london_time import parse_timestamp
from perinatal.notifications.models import Notification, NotificationVersion
from perinatal.organisations.models import Organisation, Site
from perinatal.surveillance.selectors.notified_deaths import notified_term_deaths
from tests.surveillance.platform import SITE_A

pytestmark = pytest.mark.django_db

BORN_AT = "2025-10-25T12:00"  # BST, before the clocks go back on 26 October


def _notify(*, reference: str, born_at: str, died_at: str) -> None:
    """A term baby born alive at R0A01 who died, times written as local London time."""
    moment = parse_timestamp(born_at)
    notification = Notification.objects.create(
        reference=reference,
        trust=Organisation.objects.get(code="R0A"),
        event="baby",
        created_via="web",
        created_at=moment,
        updated_at=moment,
        born_at=moment,
    )
    notification.current_version = NotificationVersion.objects.create(
        notification=notification,
        number=1,
        rules_version="test",
        created_via="web",
        created_at=moment,
        routing={},
        document={
            "trust": "R0A",
            "event": "baby",
            "place_of_birth": {"type": "hospital", "site": SITE_A},
            "baby": {
                "born_at": born_at,
                "gestation": {"weeks": 39, "days": 0, "reliable": True},
                "born_alive": True,
                "died_at": died_at,
                "termination_of_pregnancy": False,
            },
        },
    )
    notification.save(update_fields=["current_version"])


def _notified_neonatal_deaths() -> dict[str, date]:
    deaths = notified_term_deaths(
        site=Site.objects.get(code=SITE_A),
        first=date(2025, 10, 1),
        last=date(2025, 10, 31),
        scope=Scope(User.objects.get(email="hom.r0a@perinatal.example")),
    )
    return {death.reference: death.born_on for death in deaths if death.kind == "neonatal_death"}


@pytest.mark.parametrize(
    ("died_at", "real_age", "neonatal"),
    [
        ("2025-11-22T10:30", "real: 27 days 23h30", True),  # 27 completed days: a neonatal death
        ("2025-11-22T11:00", "real: 28 days 0h00", False),  # wall clock: 27 days 23h00
        ("2025-11-22T11:30", "real: 28 days 0h30", False),  # wall clock: 27 days 23h30
    ],
)
def test_a_death_across_the_october_change_is_aged_in_real_time(died_at, real_age, neonatal):
    _notify(reference="PEN-OCT-CHANGE", born_at=BORN_AT, died_at=died_at)
    found = _notified_neonatal_deaths()
    assert ("PEN-OCT-CHANGE" in found) is neonatal, real_age
    if neonatal:
        assert found["PEN-OCT-CHANGE"] == date(2025, 10, 25)


def test_a_timestamp_with_an_offset_gives_the_same_age():
    _notify(reference="PEN-OFFSETS", born_at="2025-10-25T12:00+01:00", died_at="2025-11-22T11:30+00:00")
    _notify(reference="PEN-OFFSETS-NND", born_at="2025-10-25T12:00+01:00", died_at="2025-11-22T10:30+00:00")
    found = _notified_neonatal_deaths()
    assert "PEN-OFFSETS" not in found and found["PEN-OFFSETS-NND"] == date(2025, 10, 25)
