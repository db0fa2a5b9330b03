"""Demo notifications for R0A (full demo only, not the small test fixtures): a term
intrapartum stillbirth (MBRRACE-UK and MNSI) and a neonatal death at 30 weeks (MBRRACE-UK,
passed on to CDOP), so the reviewers' inboxes and the trust's list are not empty.

Synthetic people only: the NHS numbers are in the 999 range that the NHS reserves for
testing. Idempotent: each has a fixed submission key, so set-up never adds it twice.
"""

from __future__ import annotations

from datetime import timedelta

from perinatal.accounts.models import User
from perinatal.core import clock
from perinatal.notifications import delivery
from perinatal.notifications.routing import DocumentInvalid
from perinatal.notifications.services.submission import NotYetLive, submit_notification
from perinatal.organisations.models import Organisation

DEMO_REPORTER = "midwife.r0a@perinatal.example"
HOSPITAL = {"type": "hospital", "site": "R0A01"}


def _when(days_ago: int, hour: int) -> str:
    day = clock.today() - timedelta(days=days_ago)
    return f"{day.isoformat()}T{hour:02d}:15"


def _baby(*, mother: str, baby: str, born: str, died: str | None, weeks: int, days: int, born_alive: bool) -> dict:
    return {
        "trust": "R0A",
        "event": "baby",
        "place_of_birth": HOSPITAL,
        "place_of_death": HOSPITAL,
        "linked_notification": None,
        "mother": {"nhs_number": mother, "date_of_birth": "1990-05-17", "postcode": "M13 9WL", "death": None},
        "baby": {
            "nhs_number": baby,
            "born_at": born,
            "gestation": {"weeks": weeks, "days": days, "reliable": True},
            "birth_weight_g": 3050 if weeks >= 37 else 1500,
            "born_alive": born_alive,
            "died_at": died,
            "multiple_birth": False,
            "death_confirmed_gestation": None,
            "termination_of_pregnancy": False,
            "congenital_anomaly_caused_outcome": False,
            "alive_at_onset_of_labour": True,
        },
        "labour": {"status": "labour"},
        "brain_injury": None,
    }


def demo_documents() -> dict[str, dict]:
    return {
        "demo:intrapartum-stillbirth": _baby(
            mother="9990000050", baby="9990000034", born=_when(12, 4), died=None, weeks=39, days=1, born_alive=False
        ),
        "demo:neonatal-death": _baby(
            mother="9990000069",
            baby="9990000042",
            born=_when(9, 22),
            died=_when(6, 10),
            weeks=30,
            days=0,
            born_alive=True,
        ),
    }


def load_demo_notifications() -> int:
    """Submit the demo notifications that are not there yet; returns how many were added."""
    trust = Organisation.objects.get(code="R0A")
    user = User.objects.filter(email=DEMO_REPORTER).first()
    added = 0
    for key, document in demo_documents().items():
        if trust.notifications.filter(idempotency_key=key).exists():
            continue
        try:
            submit_notification(document=document, trust=trust, user=user, idempotency_key=key)
        except (NotYetLive, DocumentInvalid):
            continue  # e.g. PERINATAL_NOW set before R0A's go-live: the demo shows the gate instead
        added += 1
    delivery.ensure_sweep_scheduled()
    return added
