"""Load the test vectors from peer software (tests/vectors, copied from the shared folder)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


@cache
def load_vectors(name: str) -> dict:
    """The parsed ``<name>.json`` of the shared vectors folder."""
    with open(VECTORS / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)
