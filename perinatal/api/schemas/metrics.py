"""GET /api/v1/metrics: its query parameters and the JSON document of docs/rules/dashboard.md §4 rows.

The query is read leniently (every parameter a string, or a list of strings): the view's
`parse_query` checks each one, so that a bad value gets the message naming it that the API
has always given, not pydantic's. The description still says which are required and what
values each takes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from perinatal.api.schemas.common import Closed, one_of
from perinatal.dashboard.exports import METRIC_COLUMN_DESCRIPTIONS, METRIC_ROW_COLUMNS
from perinatal.dashboard.metrics.definitions import STILLBIRTH_DENOMINATORS
from perinatal.dashboard.metrics.periods import SPLITS
from perinatal.dashboard.metrics.rows import ORG_LEVELS

FORMAT_JSON = "json"
FORMAT_CSV = "csv"
API_FORMATS = (FORMAT_JSON, FORMAT_CSV)
TRUE_WORDS = ("1", "true", "yes")
_DATE_EXAMPLE = "2025-01-01"


def _column(name: str) -> Any:
    return Field(description=METRIC_COLUMN_DESCRIPTIONS[name])


class MetricsQuery(Schema):
    # Open, unlike the other schemas: an unknown query parameter is ignored, as it always was.
    # `from` and `to` are required in the description and checked by parse_query.
    model_config = ConfigDict(json_schema_extra={"required": ["from", "to"]})

    date_from: str | None = Field(None, alias="from", description="First day, YYYY-MM-DD", examples=[_DATE_EXAMPLE])
    date_to: str | None = Field(
        None, alias="to", description="Last day, YYYY-MM-DD (at most ten years after from)", examples=["2025-12-31"]
    )
    level: list[str] = Field(
        [],
        description="Organisation levels (repeat, or separate by commas); default all",
        json_schema_extra={"items": {"type": "string", "enum": list(ORG_LEVELS)}},
    )
    metric: list[str] = Field([], description="metric_ids (repeat, or separate by commas); default all")
    format: str | None = Field(
        None, description="json (the default) or csv", json_schema_extra={"enum": list(API_FORMATS)}
    )
    public: str | None = Field(
        None,
        description=(
            "1 (or true, yes): apply public disclosure control (docs/rules/equity.md §2): counts of people "
            "of 1 to 7 shown as *, others to the nearest 5"
        ),
        examples=["1"],
    )
    by: str | None = Field(
        None, description="Split the range into months or quarters", json_schema_extra={"enum": list(SPLITS)}
    )
    stillbirth_denominator: str | None = Field(
        None, description="Default: the service's setting", json_schema_extra={"enum": list(STILLBIRTH_DENOMINATORS)}
    )
    org: str | None = Field(None, description="ODS code of England, a region, an ICB or a trust: only its rows")


class MetricRow(Closed):
    """One row of docs/rules/dashboard.md §4 (and `provisional`)."""

    metric_id: str = _column("metric_id")
    org_level: one_of(ORG_LEVELS) = _column("org_level")
    org_code: str = _column("org_code")
    org_name: str = _column("org_name")
    period_start: date = _column("period_start")
    period_end: date = _column("period_end")
    numerator: int | str = _column("numerator")
    denominator: int | str = _column("denominator")
    value: str | None = _column("value")
    lower_95: str | None = _column("lower_95")
    upper_95: str | None = _column("upper_95")
    suppressed: int = _column("suppressed")
    provisional: bool = _column("provisional")


class MetricRows(Closed):
    """The rows asked for, and what was computed. As CSV (format=csv): the same columns."""

    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    by: one_of(SPLITS) | None
    public: bool
    stillbirth_denominator: one_of(STILLBIRTH_DENOMINATORS)
    columns: list[one_of(METRIC_ROW_COLUMNS)]
    rows: list[MetricRow]
