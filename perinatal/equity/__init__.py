"""Equity: outcomes by ethnicity and deprivation (docs/rules/equity.md §1–§2) and the Perinatal
Equity and Anti-Discrimination Programme (docs/rules/equity.md §3)."""
