"""Breakdowns of the outcome metrics by ethnic group and deprivation quintile
(docs/rules/equity.md §1). The rules here import no Django."""
