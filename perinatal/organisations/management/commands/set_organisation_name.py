"""perinatal set-organisation-name CODE NAME: name an organisation (e.g. a new ICB code)."""

from django.core.management.base import BaseCommand, CommandError

from perinatal.organisations.models import Organisation
from perinatal.organisations.register import set_organisation_name


class Command(BaseCommand):
    help = "Load the name of an organisation code the ODS files do not name; the old name is kept in its history."

    def add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("name")
        parser.add_argument("--source", default="set-organisation-name")

    def handle(self, *args, code: str, name: str, source: str, **options):
        if not name.strip():
            raise CommandError("name: enter the organisation's name")
        try:
            org = set_organisation_name(code=code.strip().upper(), name=name.strip(), source=source)
        except Organisation.DoesNotExist:
            raise CommandError(f"code: {code} is not an ODS code in the register") from None
        self.stdout.write(f"{org.code} is now named {org.display_name}")
