"""The Perinatal Equity and Anti-Discrimination Programme (docs/rules/equity.md §3): the plan of
intakes, the sites' teams, the five elements and the evaluation surveys.

- :mod:`.rules`: the programme's rules, framework-free (window, statuses, teams, elements, surveys)
- :mod:`.services`: every write (keyword-only, in a transaction, refusals naming the field)
- :mod:`.selectors`: reads (the plan, a site's record, progress for the board report)
- :mod:`.presenters`, :mod:`.forms`, :mod:`.views`, :mod:`.urls`: the pages
"""
