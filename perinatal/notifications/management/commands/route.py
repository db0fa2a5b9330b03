"""perinatal route FILE|-: print the routing result (docs/rules/routing.md §4) of one notification document.

The document is validated exactly as the web form and the API validate it, against the
organisation register in the configured database. An invalid document prints each bad
field and its message on standard error, prints no result, and exits with status 1.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from perinatal.notifications.routing import DocumentInvalid, route
from perinatal.notifications.services.documents import parse

EXIT_INVALID = 1


class Command(BaseCommand):
    help = "Route one notification document (a JSON file, or - for standard input) and print the result as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="path to a JSON notification document, or - to read standard input")

    def handle(self, *args, file: str, **options):
        try:
            text = sys.stdin.read() if file == "-" else open(file, encoding="utf-8").read()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}", returncode=2) from None
        try:
            data = json.loads(text)
        except ValueError as error:
            raise CommandError(f"document: the input is not valid JSON ({error})", returncode=EXIT_INVALID) from None
        try:
            document = parse(data)
        except DocumentInvalid as invalid:
            lines = [f"{error.field}: {error.message}" for error in invalid.errors]
            raise CommandError(
                "The notification document is not valid:\n" + "\n".join(lines), returncode=EXIT_INVALID
            ) from None
        self.stdout.write(json.dumps(route(document).to_dict(), indent=2, ensure_ascii=False))
