"""perinatal transfer-site SITE TRUST --on DATE: move a site to another trust from a date."""

from django.core.management.base import BaseCommand, CommandError

from perinatal.core.formatting import long_date
from perinatal.organisations.models import Site
from perinatal.organisations.register import parse_iso_date
from perinatal.organisations.selectors import UnknownOrganisation, get_trust
from perinatal.organisations.sites import SiteTransferRefused, transfer_site


class Command(BaseCommand):
    help = "Transfer a site to another trust from a date (history before the date is kept)."

    def add_arguments(self, parser):
        parser.add_argument("site")
        parser.add_argument("trust")
        parser.add_argument("--on", required=True, help="first day the site belongs to the new trust, YYYY-MM-DD")
        parser.add_argument("--reason", default="site transfer")

    def handle(self, *args, site: str, trust: str, on: str, reason: str, **options):
        record = Site.objects.filter(code=site.strip().upper()).first()
        if record is None:
            raise CommandError(f"site: {site} is not a site in the register")
        try:
            to_trust = get_trust(trust)
        except UnknownOrganisation as unknown:
            raise CommandError(f"trust: {unknown}") from None
        try:
            day = parse_iso_date(on)
        except ValueError:
            raise CommandError(f"--on: '{on}' is not a date in the form YYYY-MM-DD") from None
        try:
            transfer_site(site=record, to_trust=to_trust, on=day, reason=reason)
        except SiteTransferRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{record.code} belongs to {to_trust.code} from {long_date(day)}")
