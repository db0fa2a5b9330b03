"""The dashboard's six input datasets: schemas, typed records and the streaming validator.

Spec: docs/rules/dashboard.md §1. Framework-free: the import layer (Django) stores
what `validate_rows` / `validate_csv` accept, and only when `Validation.ok`.
"""

from perinatal.kernel.london_time import LONDON, NonexistentLocalTime, elapsed, local_midnight, localise, to_utc

from .csv_input import CsvRow, read_csv
from .problems import DataQualityNote
from .records import (
    BirthRecord,
    InductionRecord,
    NeonatalCareRecord,
    SurveyRecord,
    UnitRecord,
    UnitStatusRecord,
)
from .schema import DATASET_NAMES, SCHEMAS, Column, DatasetSchema
from .validation import Validation, validate_csv, validate_rows

__all__ = [
    "BirthRecord",
    "Column",
    "CsvRow",
    "DATASET_NAMES",
    "DataQualityNote",
    "DatasetSchema",
    "InductionRecord",
    "LONDON",
    "NeonatalCareRecord",
    "NonexistentLocalTime",
    "SCHEMAS",
    "SurveyRecord",
    "UnitRecord",
    "UnitStatusRecord",
    "Validation",
    "elapsed",
    "local_midnight",
    "localise",
    "read_csv",
    "to_utc",
    "validate_csv",
    "validate_rows",
]
