"""What every area's schemas share: closed objects, enumerations from the domain's values,
and the error body."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field


class Closed(Schema):
    # Objects refuse keys they do not define (`additionalProperties: false`), as the
    # notification document does: a misspelt key is an error, never silently ignored.
    model_config = ConfigDict(extra="forbid")


def one_of(values: Iterable[Any]) -> Any:
    """A Literal of the domain's values (StrEnum members, TextChoices or strings), so that the
    document's enumerations are the ones the code checks and cannot drift from them."""
    return Literal[tuple(str(value) for value in values)]  # type: ignore[valid-type]


class Error(Closed):
    field: str = Field(
        description="Dotted path of the field, e.g. baby.gestation.weeks; or the parameter or "
        "header, e.g. Idempotency-Key"
    )
    message: str


class Errors(Closed):
    """Every error answer: one or more errors, each naming its field."""

    errors: list[Error] = Field(min_length=1)
