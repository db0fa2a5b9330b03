"""The Django ground floor (docs/adr/0018-floor-plan.md): audit, append-only models, the
service clock, logging, the Jinja environment's ground, formatting, NHS.UK form fields and
the daily-jobs scheduler. Core imports no other app of the platform.
"""
