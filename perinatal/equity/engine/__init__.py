"""The equity breakdowns' engine: counting in SQL, roll-up and rows in Python (docs/rules/equity.md §1–§2).
It must agree with breakdowns.reference.compute_equity_reference."""

from .compute import EquityRequest, compute_equity_rows

__all__ = ["EquityRequest", "compute_equity_rows"]
