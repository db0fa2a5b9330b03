"""Documents, people and a fake transport for the notifications tests.

Documents come from the routing tests' builders (docs/rules/routing.md §2 example); the demo register in the
test database has synthetic sites R0A01 and R0A02 for R0A and RYR01 for RYR.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from urllib.parse import urlparse

from perinatal.accounts.models import User
from perinatal.kernel.nhs_numbers import is_valid_nhs_number
from perinatal.notifications.delivery import HttpOutcome
from perinatal.notifications.services.submission import submit_notification
from perinatal.organisations.models import Organisation
from tests.notifications.routing.builders import baby_event, maternal_event, signs

__all__ = [
    "FakeTransport",
    "another_family",
    "test_nhs_number",
    "baby_event",
    "brain_injury_event",
    "intrapartum_stillbirth",
    "maternal_event",
    "neonatal_death",
    "reporter",
    "signs",
    "submit",
    "trust",
]

REPORTER_EMAIL = "midwife.r0a@perinatal.example"


def trust(code: str = "R0A") -> Organisation:
    return Organisation.objects.get(code=code)


def reporter(email: str = REPORTER_EMAIL) -> User:
    return User.objects.get(email=email)


def intrapartum_stillbirth(**overrides) -> dict:
    """docs/rules/routing.md §5 row 1: not born alive at 38+2, in labour, alive at onset: MBRRACE-UK and MNSI."""
    return baby_event(born_alive=False, died_at=None, **overrides)


def neonatal_death(**overrides) -> dict:
    """docs/rules/routing.md §5 row 2: born alive at 30+0, died at 3 days: MBRRACE-UK (CDOP onward)."""
    overrides.setdefault("gestation", (30, 0))
    overrides.setdefault("died_at", "2025-10-04T04:00")
    return baby_event(**overrides)


def brain_injury_event(**overrides) -> dict:
    """docs/rules/routing.md §5 row 3: born alive at 40+1 after labour, cooled, MRI shows HIE:
    MNSI and NHS Resolution."""
    overrides.setdefault("gestation", (40, 1))
    overrides.setdefault("brain_injury", signs(therapeutic_hypothermia=True, mri="hie"))
    return baby_event(**overrides)


def test_nhs_number(serial: int) -> str:
    """The `serial`-th valid NHS number in the 999 range the NHS reserves for testing."""
    found = -1
    for candidate in range(999_000_000, 1_000_000_000):
        digits = f"{candidate}"
        for check in range(10):
            if is_valid_nhs_number(digits + str(check)):
                found += 1
                if found == serial:
                    return digits + str(check)
                break
    raise ValueError(serial)


test_nhs_number.__test__ = False  # a helper, not a test


def another_family(document: dict, serial: int) -> dict:
    """The document about another mother and baby (the `serial`-th): not a possible duplicate
    of any other (docs/rules/routing.md §7.1)."""
    document = copy.deepcopy(document)
    # Past the numbers the builders and the demo use.
    document["mother"]["nhs_number"] = test_nhs_number(100 + 2 * serial)
    if document.get("baby"):
        document["baby"]["nhs_number"] = test_nhs_number(101 + 2 * serial)
    return document


def submit(document: dict, *, code: str = "R0A", user: User | None = None, **kwargs):
    return submit_notification(document=document, trust=trust(code), user=user or reporter(), **kwargs)


@dataclass
class FakeTransport:
    """Posts to the receiving endpoint in-process; `down` bodies answer like a closed port."""

    client: object
    down: set[str] = field(default_factory=set)
    calls: list[tuple[str, str]] = field(default_factory=list)

    def __call__(self, url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> HttpOutcome:
        path = urlparse(url).path
        body_code = path.rstrip("/").rsplit("/", 1)[-1]
        self.calls.append((body_code, headers.get("Idempotency-Key", "")))
        if body_code in self.down:
            return HttpOutcome(None, "could not reach the endpoint ([Errno 111] Connection refused)")
        extra = {
            f"HTTP_{name.upper().replace('-', '_')}": value
            for name, value in headers.items()
            if name.lower() != "content-type"
        }
        response = self.client.post(path, data=body, content_type="application/json", **extra)
        return HttpOutcome(response.status_code, "" if response.status_code < 300 else f"HTTP {response.status_code}")
