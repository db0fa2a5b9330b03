"""Reads of the dashboard (docs/rules/dashboard.md §3–§5), by what they read. Every query the pages,
their downloads and the API make is here; the page builders (pages.builders) only shape
what these return.

- births: the span of the loaded births, the pages' "as of" date
- organisations: organisations by ODS code, the register as the engine reads it, the
  trusts with data, and the register's parents of a trust or an ICB
- metric_rows: the metric engine's rows for a page, kept by the page cache
- unit_suspensions: the midwifery-led unit suspensions a trust's page lists
- uploads: uploads, read only through a Scope (record-level data)

Aggregates (every organisation's metric values) are published statistics that every
signed-in user may read (docs/rules/dashboard.md §5), so the reads of them take no request or scope.
"""
