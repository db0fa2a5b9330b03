"""Demo data, on a floor of its own above the domain apps (docs/adr/0018-floor-plan.md):
no domain app imports it, and a production deployment could leave it out.

- `generator`: the national demo CSVs (framework-free, byte-identical for the same arguments)
- `synthetic_sites`: synthetic maternity sites and units for the real trusts
- the loaders `perinatal setup --demo` runs, in this order: `organisations` (synthetic
  sites, a later phase, account details), `dashboard_data` (the dashboard's datasets),
  `users`, `outcome_signals` (a MOSS run and its safety checks), `equity_programme` (the
  equity programme's plan, teams and sessions) and `notifications`
"""
