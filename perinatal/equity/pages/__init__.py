"""The equity pages: outcomes by ethnicity and deprivation for each organisation (docs/rules/equity.md §1)."""
