"""perinatal deliver_notifications: send every due delivery now, and make sure the
background sweep is scheduled (for operators, cron, or after restoring a database)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from perinatal.notifications import delivery


class Command(BaseCommand):
    help = "Send every queued notification delivery that is due, then schedule the background sweep."

    def handle(self, *args, **options):
        totals = delivery.deliver_due()
        delivery.ensure_sweep_scheduled()
        self.stdout.write(f"Sent {totals['sent']}, retrying {totals['retry']}, failed {totals['failed']}.")
