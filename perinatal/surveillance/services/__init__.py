"""Writes for outcome signals (docs/rules/surveillance.md §1.1–1.4), one module per sub-domain.

Import each service from the module that holds it; this package re-exports nothing.

- ``runs``: run MOSS over the births data now and store the run and its results.
- ``signals``: a run's signals recorded or withdrawn, and the safety checks new ones open.
- ``notices``: telling a trust's contacts of a new signal, and sending what is still pending.
- ``reference_rates``: loading NHS England's reference rates, and withdrawing a load
  (docs/rules/surveillance.md §1.1, §1.6).
- ``safety_checks``: the critical safety check workflow: owner, findings, actions, completion.
- ``run_lock``: the lock that lets one MOSS run or reference-rate load write at a time.
"""
