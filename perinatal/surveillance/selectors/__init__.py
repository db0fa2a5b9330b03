"""Reads for outcome signals, one module per sub-domain (import each from its module).

- ``births``: MOSS inputs from the births data (term monthly counts, daily term events).
- ``notified_deaths``: notified term deaths beside a site's chart, flagged when missing from the births data.
- ``sites``: the sites MOSS reports on, their trusts on a day, their names for an export.
- ``reference_rates``: loaded reference rates: those in force, the loads, the national rates a run used.
- ``runs``: stored MOSS runs and a site's monthly results.
- ``national_summary``: each monitored site's levels for the national signals page.
- ``safety_checks``: signals, critical safety checks, their findings and actions (record-level: scoped).

Aggregate figures (monthly counts, CUSUM results, signal summaries) are published statistics
and not scoped; safety checks and notifications are record-level and are read only through
``perinatal.accounts.scoping`` (the views pass the user's scope in).
"""
