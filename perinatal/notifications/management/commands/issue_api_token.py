"""perinatal issue_api_token TRUST NAME: issue an API token for a trust and print it once
(for operators and load tests; the system admin's page /api-tokens/ does the same)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from perinatal.core.checks import AllButUrlChecks
from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.organisations.selectors import UnknownOrganisation, get_trust


class Command(AllButUrlChecks, BaseCommand):
    help = "Issue an API token for a trust (ODS code) and print it; only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("trust", help="the trust's ODS code, like R0A")
        parser.add_argument("name", help="what the token is for, like 'Maternity system'")

    def handle(self, *args, trust: str, name: str, **options):
        try:
            organisation = get_trust(trust)
        except UnknownOrganisation as unknown:
            raise CommandError(str(unknown)) from None
        try:
            plaintext, _token = issue_api_token(trust=organisation, name=name, user=None)
        except InvalidInput as invalid:
            raise CommandError(invalid.message) from None
        self.stdout.write(plaintext)
