"""The web shell, the top floor (docs/adr/0018-floor-plan.md): the home page, the header menu,
the audit trail page, the organisation register's pages, error pages, the Jinja environment
the pages use, and `perinatal setup` (reference data, and demo data with `--demo`).
"""
