"""perinatal issue_api_token TRUST NAME: issue an API token for a trust and print it once
(for operators and load tests; the system admin's page /api-tokens/ does the same)."""

from __future__ import annotations

from django.core import checks
from django.core.management.base import BaseCommand, CommandError

from perinatal.notifications.services.api_tokens import issue_api_token
from perinatal.notifications.services.refusals import InvalidInput
from perinatal.organisations.selectors import UnknownOrganisation, get_trust


class Command(BaseCommand):
    help = "Issue an API token for a trust (ODS code) and print it; only its hash is stored."
    # Every check but the URL configuration's: checking it imports every view, the API and its
    # schema (about 2 s, a third of the command's time in issue 13), and issuing a token serves
    # no page. The deploy refusals (security) and the models are still checked.
    requires_system_checks = [
        tag for name, tag in vars(checks.Tags).items() if not name.startswith("_") and tag != checks.Tags.urls
    ]

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
