"""Realistic synthetic national demo data for the maternity dashboard and MOSS
(docs/rules/dashboard.md §1 formats; docs/rules/surveillance.md §1.1 events). Every site, unit and record is
invented; volumes and rates follow published national figures (see `parameters`)."""

from .command_line import main, read_trust_rows
from .national_files import DATASET_COLUMNS, DemoDataSummary, generate
from .parameters import SIGNAL_MONTHS, SIGNAL_RATE_RATIO, SIGNAL_SITES
from .period import DemoPeriod, default_end, demo_period

__all__ = [
    "DATASET_COLUMNS",
    "DemoDataSummary",
    "DemoPeriod",
    "SIGNAL_MONTHS",
    "SIGNAL_RATE_RATIO",
    "SIGNAL_SITES",
    "default_end",
    "demo_period",
    "generate",
    "main",
    "read_trust_rows",
]
