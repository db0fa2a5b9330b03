"""The organisation register: England, NHS England regions, ICBs, trusts, national bodies,
sites and units, with the dated facts that change over time.

Dates follow one convention throughout: ``opened_on`` / ``valid_from`` is the first day a
fact holds, ``closed_on`` / ``valid_until`` the first day it no longer holds (empty =
still holds). See docs/adr/0003-organisation-register.md.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from perinatal.organisations.names import title_case

ENGLAND_CODE = "E92000001"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ENGLAND = "england", "England"
        REGION = "region", "NHS England region"
        ICB = "icb", "Integrated care board"
        TRUST = "trust", "NHS trust"
        BODY = "body", "National body"

    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200, blank=True, help_text="Empty until a name is loaded: the code is shown.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    region = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="icbs",
        help_text="For an ICB: its NHS England region.",
    )
    opened_on = models.DateField(null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    provides_births = models.BooleanField(default=False)
    annual_deliveries = models.PositiveIntegerField(null=True, blank=True)
    comparator_group = models.CharField(max_length=100, blank=True)
    neonatal_network = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind", "code"])]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})" if self.name else self.code

    @property
    def display_name(self) -> str:
        if not self.name:
            return self.code
        # ODS names are upper case; national bodies' names are written as the bodies write them.
        return self.name if self.kind == self.Kind.BODY else title_case(self.name)

    def is_open_on(self, day: date) -> bool:
        return (self.opened_on is None or self.opened_on <= day) and (self.closed_on is None or day < self.closed_on)


class TrustParentQuerySet(models.QuerySet):
    def on(self, day: date) -> TrustParentQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


class TrustParent(models.Model):
    """The ICB and region a trust belonged to over a period, from one ODS extract."""

    trust = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="parents")
    icb = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Organisation, null=True, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=120)

    objects = TrustParentQuerySet.as_manager()

    class Meta:
        ordering = ["trust__code", "valid_from"]
        constraints = [models.UniqueConstraint(fields=["trust", "valid_from"], name="one_parent_period_start")]


class OrganisationChange(models.Model):
    """Append-only history of register updates (renames, closures, new trusts)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=200, blank=True)
    new_value = models.CharField(max_length=200, blank=True)
    source = models.CharField(max_length=200)
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["organisation__code", "recorded_at", "id"]


class Site(models.Model):
    code = models.CharField(max_length=12, unique=True)
    name = models.CharField(max_length=200)
    synthetic = models.BooleanField(default=False, help_text="Generated for demo data: no public site list exists.")

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class SiteOwnershipQuerySet(models.QuerySet):
    def on(self, day: date) -> SiteOwnershipQuerySet:
        return self.filter(valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gt=day))


class SiteOwnership(models.Model):
    """Which trust a site belongs to, over a period. Changed only by a dated transfer."""

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="ownerships")
    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="site_ownerships")
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)

    objects = SiteOwnershipQuerySet.as_manager()

    class Meta:
        ordering = ["site__code", "valid_from"]


class Unit(models.Model):
    class UnitType(models.TextChoices):
        OBSTETRIC = "obstetric", "Obstetric unit"
        MIDWIFERY_LED = "midwifery_led", "Midwifery-led unit"
        NEONATAL = "neonatal", "Neonatal unit"

    class NeonatalLevel(models.TextChoices):
        NICU = "NICU", "Neonatal intensive care unit"
        LNU = "LNU", "Local neonatal unit"
        SCU = "SCU", "Special care unit"

    code = models.CharField(max_length=20, unique=True)
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="units")
    unit_type = models.CharField(max_length=15, choices=UnitType.choices)
    neonatal_level = models.CharField(max_length=4, choices=NeonatalLevel.choices, blank=True)
    opened_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["code"]


class OnboardingPhase(models.Model):
    """A phase of the notification service's national roll-out (the letter's schedule is data)."""

    number = models.PositiveSmallIntegerField(unique=True)
    name = models.CharField(max_length=120)
    go_live_on = models.DateField()
    regions = models.ManyToManyField(Organisation, blank=True, related_name="+", limit_choices_to={"kind": "region"})
    trusts = models.ManyToManyField(
        Organisation, blank=True, related_name="named_in_phases", limit_choices_to={"kind": "trust"}
    )
    synthetic = models.BooleanField(default=False, help_text="Added by the demo, not part of the national schedule.")

    class Meta:
        ordering = ["go_live_on", "number"]

    def __str__(self) -> str:
        return f"Phase {self.number}"


class AccountDetails(models.Model):
    """A trust's service contact details, kept current by its local authoriser."""

    trust = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="account_details")
    contact_name = models.CharField(max_length=120, blank=True)
    contact_role = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    out_of_hours_phone = models.CharField(max_length=30, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
