"""Demo data, on a floor of its own above the domain apps (docs/adr/0018-floor-plan.md):
no domain app imports it, and a production deployment could leave it out.

- `generator`: the national demo CSVs (framework-free, byte-identical for the same arguments)
- `synthetic_sites`: synthetic maternity sites and units for the real trusts
- `organisations`, `users`, `dashboard_data`, `signals`, `notifications`: the loaders
  `perinatal setup --demo` runs, in that order
"""
