"""perinatal setup [--demo] [--small]: migrate and load reference data (idempotent)."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from perinatal.web import setup as setup_service


class Command(BaseCommand):
    help = "Migrate the database named by DATABASE_URL and load the reference data; --demo adds demo data."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="also load demo sites, users and data")
        parser.add_argument("--small", action="store_true", help="with --demo: a few trusts only (test fixtures)")
        parser.add_argument("--print-sign-ins", action="store_true", help="with --demo: print the demo sign-ins")

    def handle(self, *args, demo: bool, small: bool, print_sign_ins: bool, **options):
        call_command("migrate", interactive=False, verbosity=0)
        summary = setup_service.load_reference()
        self.stdout.write(
            f"Reference data: {summary.created} organisations created, {summary.updated} updated, "
            f"{summary.parents} ICB periods added."
        )
        for note in summary.notes:
            self.stdout.write(f"  note: {note}")
        if demo:
            sign_ins = setup_service.load_demo(small=small, stdout=self.stdout)
            if print_sign_ins:
                self.stdout.write(setup_service.format_sign_ins(sign_ins))
