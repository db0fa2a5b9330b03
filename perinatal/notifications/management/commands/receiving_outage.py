"""perinatal receiving_outage BODY on|off: demo and tests only. While on, this platform's
receiving endpoint for BODY answers 503, so deliveries to it are retried with backoff."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from perinatal.core import clock
from perinatal.notifications.models import ReceivingOutage
from perinatal.notifications.receiving import BODIES


class Command(BaseCommand):
    help = "Switch a simulated outage of a body's receiving endpoint on or off (demo and tests)."

    def add_arguments(self, parser):
        parser.add_argument("body", help=", ".join(sorted(BODIES)))
        parser.add_argument("state", choices=["on", "off"])

    def handle(self, *args, body: str, state: str, **options):
        body = body.upper()
        if body not in BODIES:
            raise CommandError(f"{body} is not a body; use one of {', '.join(sorted(BODIES))}")
        ReceivingOutage.objects.update_or_create(
            body=body, defaults={"active": state == "on", "changed_at": clock.now()}
        )
        self.stdout.write(f"Receiving endpoint of {body}: outage {state}.")
