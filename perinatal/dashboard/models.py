"""Stored dashboard data: uploads, and the records of the six datasets (docs/rules/dashboard.md §1).

Units enter the organisation register (organisations.Site / SiteOwnership / Unit); what
units.csv says about a unit beyond the register (the trust that runs it, the upload that
last loaded it) is kept here in `UnitListing`. Every other dataset has one table whose
unique constraint is the dataset's natural key (docs/rules/dashboard.md §1), so a load replaces stored rows with
the same key and a corrected file never duplicates. Every row remembers its `Upload`.

The record tables' foreign keys (trust, site, unit, upload) have no database constraint: the
loader checks the references of a whole file in one query per referenced table, locking the
rows it names (imports/references.py), and Django's collector still refuses to delete a
referenced row (PROTECT). Natural keys of one text column are `UniqueConstraint`s, not
`unique=True`, so PostgreSQL gets no `LIKE` (pattern-ops) index that no query uses
(docs/adr/0024-vectorised-import.md, "Foreign keys checked by the loader").

Instants that the metrics do arithmetic on are also stored as whole seconds since the
Unix epoch (`*_s` columns, UTC): integer arithmetic is the same on SQLite and PostgreSQL,
whereas date-time arithmetic is written differently on each.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from perinatal.dashboard.datasets.schema import (
    DATASET_NAMES,
    ETHNIC_GROUPS,
    ONSETS_OF_LABOUR,
    OUTCOMES,
    SCHEMAS,
    STATUSES,
)
from perinatal.organisations.models import Organisation, Site, Unit


def _choices(values: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(value, value.replace("_", " ")) for value in values]


class ExactDecimalField(models.DecimalField):
    """A decimal stored exactly as given: unconstrained `numeric` on PostgreSQL.

    Imports write these columns with COPY / raw SQL, so a value such as 37.55 is never
    rounded to the field's `decimal_places` before the metric compares it with 37.5.
    """

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "numeric"
        return super().db_type(connection)


class Upload(models.Model):
    """One file (or API batch) loaded into a dataset, whether it was loaded or refused."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "Checking"
        LOADING = "loading", "Loading"
        LOADED = "loaded", "Loaded"
        REFUSED = "refused", "Refused: errors in the file"
        FAILED = "failed", "Failed"

    class Source(models.TextChoices):
        COMMAND = "command", "perinatal import"
        PAGE = "page", "Upload page"
        API = "api", "API"
        DEMO = "demo", "Demo data"

    dataset = models.CharField(max_length=20, choices=[(name, SCHEMAS[name].title) for name in DATASET_NAMES])
    filename = models.CharField(max_length=255)
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dashboard_uploads",
        help_text=(
            "The organisation that uploaded the file; scopes who may read the upload (docs/rules/dashboard.md §5)."
        ),
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.COMMAND)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    size_bytes = models.BigIntegerField(default=0)
    bytes_read = models.BigIntegerField(default=0, help_text="Progress of the check, for the progress bar.")
    rows = models.PositiveIntegerField(default=0, help_text="Data rows accepted by the check.")
    rows_added = models.PositiveIntegerField(default=0)
    rows_replaced = models.PositiveIntegerField(default=0, help_text="Stored rows with the same natural key, replaced.")
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True, help_text="The first 100 errors: line, column, code, message.")
    notes = models.JSONField(default=list, blank=True, help_text="Data-quality notes: code, message, count, lines.")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "-started_at"]),
            models.Index(fields=["dataset", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.dataset} upload {self.pk} ({self.filename})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.LOADED, self.Status.REFUSED, self.Status.FAILED)


class UnitListing(models.Model):
    """A unit as units.csv lists it: the trust that runs it, and the upload that loaded it."""

    unit = models.OneToOneField(Unit, on_delete=models.CASCADE, related_name="dashboard_listing")
    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="unit_listings")

    def __str__(self) -> str:
        return f"{self.unit.code} ({self.trust.code})"


class BirthRecord(models.Model):
    """births.csv: one row per baby (natural key baby_id)."""

    baby_id = models.CharField(max_length=64)
    mother_id = models.CharField(max_length=64)
    trust = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    born_on = models.DateField()
    gestation_days = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_weight_g = models.PositiveSmallIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=_choices(OUTCOMES))
    termination = models.BooleanField()
    neonatal_death_on = models.DateField(null=True, blank=True)
    neonatal_death_day = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="neonatal_death_on − born_on in days, computed on import."
    )
    blood_loss_ml = models.PositiveIntegerField(null=True, blank=True)
    multiple_birth = models.BooleanField(null=True, blank=True)
    mother_age = models.PositiveSmallIntegerField(null=True, blank=True)
    ethnic_group = models.CharField(max_length=5, null=True, blank=True, choices=_choices(ETHNIC_GROUPS))  # noqa: DJ001 - NULL is unknown
    imd_quintile = models.PositiveSmallIntegerField(null=True, blank=True)
    onset_of_labour = models.CharField(max_length=12, null=True, blank=True, choices=_choices(ONSETS_OF_LABOUR))  # noqa: DJ001
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="births", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baby_id"], name="dashboard_birth_natural_key")]
        indexes = [
            models.Index(fields=["trust", "born_on"], name="dashboard_birth_trust_born"),
            models.Index(fields=["born_on"], name="dashboard_birth_born"),
        ]


class NeonatalCareRecord(models.Model):
    """neonatal_care.csv: babies born below 34+0 weeks admitted to neonatal care (key baby_id)."""

    baby_id = models.CharField(max_length=64)
    trust = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    site = models.ForeignKey(
        Site, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    born_on = models.DateField()
    gestation_days = models.PositiveSmallIntegerField(null=True, blank=True)
    multiple_birth = models.BooleanField(null=True, blank=True)
    antenatal_steroids = models.BooleanField(null=True, blank=True)
    antenatal_magnesium = models.BooleanField(null=True, blank=True)
    born_in_nicu_site = models.BooleanField(null=True, blank=True)
    cord_clamping_seconds = models.PositiveIntegerField(null=True, blank=True)
    admission_temperature_c = ExactDecimalField(max_digits=6, decimal_places=3, null=True, blank=True)
    temperature_within_hour = models.BooleanField(null=True, blank=True)
    breastmilk_day_1_2 = models.BooleanField(null=True, blank=True)
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="neonatal_care", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["baby_id"], name="dashboard_nnc_natural_key")]
        indexes = [models.Index(fields=["trust", "born_on"], name="dashboard_nnc_trust_born")]


class UnitStatusEpisode(models.Model):
    """unit_status.csv: an episode when a unit was closed to admissions (key unit + started_at)."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="dashboard_episodes", db_constraint=False)
    status = models.CharField(max_length=16, choices=_choices(STATUSES))
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True, help_text="Empty: still going on.")
    started_s = models.BigIntegerField(help_text="started_at in seconds since the epoch (UTC).")
    ended_s = models.BigIntegerField(null=True, blank=True, help_text="ended_at in seconds since the epoch (UTC).")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="unit_status", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "started_at"], name="dashboard_episode_natural_key")]


class InductionRecord(models.Model):
    """inductions.csv: one woman admitted for induction of labour (key induction_id)."""

    induction_id = models.CharField(max_length=64)
    trust = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False)
    admitted_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True, help_text="Empty: not yet started.")
    delay_point_s = models.BigIntegerField(
        help_text="admitted_at + 24 hours of real time, in seconds since the epoch (UTC): docs/rules/dashboard.md §3.3."
    )
    started_s = models.BigIntegerField(null=True, blank=True, help_text="started_at in seconds since the epoch (UTC).")
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="inductions", db_constraint=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["induction_id"], name="dashboard_induction_natural_key")]
        # Covering indexes: the induction query reads only these columns (queries.tally_inductions).
        indexes = [
            models.Index(fields=["delay_point_s", "trust", "started_s"], name="dashboard_induction_point"),
            models.Index(fields=["trust", "delay_point_s", "started_s"], name="dashboard_induction_trust_pt"),
        ]


class SurveyResult(models.Model):
    """survey.csv: one trust, survey year and question (key trust + survey_year + question)."""

    trust = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", db_constraint=False)
    survey_year = models.PositiveSmallIntegerField()
    question = models.CharField(max_length=64)
    responses = models.PositiveIntegerField()
    yes = models.PositiveIntegerField()
    upload = models.ForeignKey(Upload, on_delete=models.PROTECT, related_name="survey", db_constraint=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trust", "survey_year", "question"], name="dashboard_survey_natural_key")
        ]


class DemoLoad(models.Model):
    """The demo data set loaded into this database: `perinatal setup --demo` skips a load
    whose generator arguments are already recorded here."""

    key = models.CharField(max_length=200, unique=True, help_text="The generator arguments, as text.")
    arguments = models.JSONField()
    files_sha256 = models.CharField(max_length=64)
    rows = models.JSONField(default=dict, help_text="Rows loaded per dataset.")
    finished_at = models.DateTimeField()


class TallyCache(models.Model):
    """The SQL counts of one family of metrics for one period, per trust, kept until the data
    change (engine/tally_cache.py). Only periods that ended before "now" are kept: their counts
    depend on the stored records alone."""

    key = models.CharField(max_length=200, unique=True)
    data_version = models.CharField(max_length=40, db_index=True)
    payload = models.JSONField()
